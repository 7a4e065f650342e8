import { io, type Socket } from 'socket.io-client';
import type { BoardClientToServer, BoardServerToClient, BoardWelcome } from '../../../shared/board-socket';
import type { BoardStore } from './board-store.svelte';

export interface BoardConnection {
  /** Reconnects for another mode (a fresh snapshot). */
  switchMode(mode: 'live' | 'test'): void;
  close(): void;
}

/**
 * The board's socket: says hello with the last event id it applied, so after any reconnect
 * (network, server restart, another node) it gets exactly the events it missed, or a snapshot.
 */
export function connectBoard(store: BoardStore, onWelcome: (welcome: BoardWelcome | undefined, error?: string) => void): BoardConnection {
  let mode: 'live' | 'test' | undefined;
  const socket: Socket<BoardServerToClient, BoardClientToServer> = io('/board', {
    transports: ['websocket', 'polling'],
    withCredentials: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });

  const hello = () => {
    store.connection = 'connecting';
    socket.timeout(15_000).emit('hello', { ...(mode ? { mode } : {}), ...(store.lastEventId ? { lastEventId: store.lastEventId } : {}) }, (error, reply) => {
      if (error || !reply) return onWelcome(undefined, 'timeout');
      if ('error' in reply) return onWelcome(undefined, reply.error.code);
      mode = reply.mode;
      store.mode = reply.mode;
      store.connection = 'live';
      store.offlineSince = undefined;
      onWelcome(reply);
    });
  };

  socket.on('connect', hello);
  // The data on screen is as of the moment the connection was lost, not of the last event.
  const lost = () => {
    if (store.connection !== 'offline') store.offlineSince ??= Date.now();
    store.connection = 'offline';
  };
  socket.on('disconnect', lost);
  socket.on('connect_error', (error) => {
    lost();
    console.warn('board connection refused:', error.message);
    if (error.message === 'unauthorized') onWelcome(undefined, 'unauthorized');
  });
  socket.on('snapshot', (snapshot) => store.loadSnapshot(snapshot.sessions, snapshot.lastEventId, snapshot.mode, { total: snapshot.total, onlineHistory: snapshot.onlineHistory }));
  socket.on('changes', (events) => store.enqueue(events));

  return {
    switchMode(next) {
      mode = next;
      store.lastEventId = undefined;
      if (socket.connected) hello();
    },
    close() {
      socket.disconnect();
    },
  };
}
