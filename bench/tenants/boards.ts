import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { ChangeEvent } from '../../shared/change-event.js';

/**
 * Many boards (one per merchant) in a process of their own, driven over IPC: for each event, the
 * time from its stream append (the entry id's milliseconds, Redis's clock) to its arrival here,
 * and whether each board's ids came in order and once.
 */
export type BoardsCommand = { type: 'open'; url: string; cookiesFile: string } | { type: 'measure'; on: boolean } | { type: 'stop' };
export type BoardsReply =
  | { type: 'opened'; boards: number; failed: number }
  | { type: 'measured'; fromStreamMs: number[]; outOfOrder: number; duplicates: number };

const send = (reply: BoardsReply) => process.send?.(reply);
const sockets: Socket[] = [];
let fromStreamMs: number[] = [];
let outOfOrder = 0;
let duplicates = 0;
let measuring = false;

function idMs(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function idSeq(id: string): number {
  return Number(id.slice(id.indexOf('-') + 1));
}

async function open(url: string, cookies: string[]): Promise<void> {
  let failed = 0;
  for (let i = 0; i < cookies.length; i += 100) {
    await Promise.all(cookies.slice(i, i + 100).map((cookie) => new Promise<void>((resolve) => {
      const socket = io(`${url}/board`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
      let last: string | undefined;
      socket.on('changes', (events: ChangeEvent[]) => {
        const now = Date.now();
        for (const e of events) {
          if (last !== undefined) {
            const ms = idMs(e.id) - idMs(last);
            if (ms < 0 || (ms === 0 && idSeq(e.id) < idSeq(last))) outOfOrder++;
            else if (e.id === last) duplicates++;
          }
          last = e.id;
          if (measuring) fromStreamMs.push(now - idMs(e.id));
        }
      });
      socket.once('connect', () => socket.emit('hello', {}, () => {
        sockets.push(socket);
        resolve();
      }));
      socket.once('connect_error', () => {
        failed++;
        resolve();
      });
    })));
  }
  send({ type: 'opened', boards: sockets.length, failed });
}

process.on('message', (command: BoardsCommand) => {
  if (command.type === 'open') {
    void open(command.url, JSON.parse(readFileSync(command.cookiesFile, 'utf8')) as string[]);
  } else if (command.type === 'measure') {
    measuring = command.on;
    if (command.on) {
      fromStreamMs = [];
      outOfOrder = 0;
      duplicates = 0;
    } else {
      send({ type: 'measured', fromStreamMs, outOfOrder, duplicates });
    }
  } else {
    for (const socket of sockets) socket.disconnect();
    process.exit(0);
  }
});
