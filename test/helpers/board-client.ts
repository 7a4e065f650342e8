import { io, type Socket } from 'socket.io-client';
import type { BoardClientToServer, BoardServerToClient, BoardSnapshotMessage, BoardWelcome } from '../../shared/board-socket.js';
import type { ChangeEvent } from '../../shared/change-event.js';
import type { AckError } from '../../shared/checkout-socket.js';

/** Trades a board token for the board's cookie, as a browser following the link would. */
export async function boardCookie(baseUrl: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}/board?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
  if (res.status !== 303) throw new Error(`token exchange answered ${res.status}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('no cookie');
  return cookie;
}

export interface TestBoard {
  socket: Socket<BoardServerToClient, BoardClientToServer>;
  snapshots: BoardSnapshotMessage[];
  events: ChangeEvent[];
  hello(payload?: Record<string, unknown>): Promise<BoardWelcome | AckError>;
  close(): void;
}

/** A board as a plain socket.io-client: records snapshots and events. */
export async function openBoard(baseUrl: string, cookie: string): Promise<TestBoard> {
  const socket: Socket<BoardServerToClient, BoardClientToServer> = io(`${baseUrl}/board`, {
    transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie },
  });
  const board: TestBoard = {
    socket,
    snapshots: [],
    events: [],
    hello: (payload = {}) => socket.timeout(10_000).emitWithAck('hello', payload),
    close: () => void socket.disconnect(),
  };
  socket.on('snapshot', (s) => board.snapshots.push(s));
  socket.on('changes', (batch) => board.events.push(...batch));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return board;
}
