import { io } from 'socket.io-client';
import type { ChangeEvent } from '../../shared/change-event.js';

/**
 * A bare board client in a process of its own (so the process writing changes does not delay what
 * it measures), driven over IPC: for each event, the time from its stream append (the entry id's
 * milliseconds, Redis's clock) and from the transition's own timestamp to its arrival here.
 */
export type ListenerCommand = { type: 'listen'; url: string; cookie: string } | { type: 'measure'; on: boolean } | { type: 'stop' };
export type ListenerReply =
  | { type: 'listening' }
  | { type: 'measured'; fromStreamMs: number[]; fromTransitionMs: number[] };

const send = (reply: ListenerReply) => process.send?.(reply);
const fromStreamMs: number[] = [];
const fromTransitionMs: number[] = [];
let measuring = false;

process.on('message', (command: ListenerCommand) => {
  if (command.type === 'listen') {
    const socket = io(`${command.url}/board`, { transports: ['websocket'], extraHeaders: { cookie: command.cookie } });
    socket.on('changes', (events: ChangeEvent[]) => {
      if (!measuring) return;
      const now = Date.now();
      for (const e of events) {
        fromStreamMs.push(now - Number(e.id.slice(0, e.id.indexOf('-'))));
        fromTransitionMs.push(now - Date.parse(e.at));
      }
    });
    socket.on('connect', () => socket.emit('hello', {}, () => send({ type: 'listening' })));
  } else if (command.type === 'measure') {
    measuring = command.on;
    if (!command.on) send({ type: 'measured', fromStreamMs, fromTransitionMs });
  } else {
    process.exit(0);
  }
});
