import { io, type Socket } from 'socket.io-client';
import type { BoardClientToServer, BoardServerToClient } from '../../shared/board-socket.js';
import type { ChangeEvent } from '../../shared/change-event.js';

export interface ResumingBoard {
  /** Snapshots received: the first, then one per resume that found its gap too old. */
  snapshots: number;
  /** The id the first snapshot was taken at. */
  firstSnapshotId?: string;
  events: ChangeEvent[];
  /** Goes offline (as a wall screen losing its network) and comes back, resuming from its last id. */
  goOffline(): void;
  comeBack(): void;
  close(): void;
}

/**
 * A board as the real one behaves: reconnects on its own and says hello with the last event id it
 * applied, so what it holds after any number of node deaths can be compared with the stream.
 */
export async function openResumingBoard(baseUrl: string, cookie: string): Promise<ResumingBoard> {
  const socket: Socket<BoardServerToClient, BoardClientToServer> = io(`${baseUrl}/board`, {
    transports: ['websocket'], forceNew: true, extraHeaders: { cookie }, reconnectionDelay: 100, reconnectionDelayMax: 500,
  });
  let lastEventId: string | undefined;
  const board: ResumingBoard = {
    snapshots: 0,
    events: [],
    goOffline: () => void socket.disconnect(),
    comeBack: () => void socket.connect(),
    close: () => void socket.disconnect(),
  };
  socket.on('snapshot', (snapshot) => {
    board.snapshots++;
    board.firstSnapshotId ??= snapshot.lastEventId;
    lastEventId = snapshot.lastEventId;
  });
  socket.on('changes', (batch) => {
    board.events.push(...batch);
    lastEventId = batch.at(-1)?.id ?? lastEventId;
  });
  const welcomed = new Promise<void>((resolve, reject) => {
    socket.on('connect', () => {
      socket.emit('hello', lastEventId ? { lastEventId } : {}, (reply) => {
        if ('error' in reply) reject(new Error(reply.error.code));
        else resolve();
      });
    });
    socket.once('connect_error', reject);
  });
  await welcomed;
  return board;
}
