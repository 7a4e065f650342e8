import type { Server } from 'socket.io';
import type { AppContext } from '../../app-context.js';

export interface BoardRealtime {
  close(): void;
}

/** `/board`: snapshot, then ordered change events resumable by id. */
export function attachBoardNamespace(_io: Server, _ctx: AppContext): BoardRealtime {
  return { close() {} };
}
