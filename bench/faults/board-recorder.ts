import { io, type Socket } from 'socket.io-client';
import type { ChangeEvent } from '../../shared/change-event.js';
import { compareStreamIds } from '../../shared/stream-id.js';

/**
 * A board that records every event id it receives, and resumes from its last id whenever its
 * node goes away (on the next node) or it is taken offline on purpose.
 */
export class BoardRecorder {
  readonly ids: string[] = [];
  /** The last event id of each snapshot received: the board's state then holds every event up to it. */
  readonly snapshotIds: string[] = [];
  snapshots = 0;
  resumes = 0;
  private socket: Socket | undefined;
  private lastId: string | undefined;
  private offline = false;

  constructor(private readonly cookie: string, private readonly urls: () => string[], private nodeIndex: number) {}

  open(): Promise<void> {
    const url = this.urls()[this.nodeIndex % this.urls().length]!;
    const socket = io(`${url}/board`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: this.cookie } });
    this.socket = socket;
    socket.on('snapshot', (snapshot: { lastEventId: string }) => {
      this.snapshots++;
      this.snapshotIds.push(snapshot.lastEventId);
      this.lastId = snapshot.lastEventId;
    });
    socket.on('changes', (events: ChangeEvent[]) => {
      for (const e of events) this.ids.push(e.id);
      if (events.length > 0) this.lastId = events.at(-1)!.id;
    });
    return new Promise((resolve) => {
      socket.once('connect', () => {
        socket.emit('hello', this.lastId ? { lastEventId: this.lastId } : {}, (welcome: { resumed?: boolean }) => {
          if (welcome?.resumed) this.resumes++;
          resolve();
        });
      });
      socket.once('connect_error', () => {
        this.nodeIndex++;
        setTimeout(() => void this.open().then(resolve), 100);
      });
      socket.on('disconnect', () => {
        if (this.offline) return;
        this.nodeIndex++;
        void this.open();
      });
    });
  }

  /** Leaves for a while (a laptop closed, a TV unplugged); `back` resumes from the last id. */
  goOffline(): void {
    this.offline = true;
    this.socket?.disconnect();
  }

  back(): Promise<void> {
    this.offline = false;
    return this.open();
  }

  close(): void {
    this.offline = true;
    this.socket?.disconnect();
  }
}

/** Stream ids a board never learnt of: neither received as a change nor covered by a later snapshot. */
export function missedBy(board: BoardRecorder, want: readonly string[]): string[] {
  const seen = new Set(board.ids);
  const covered = board.snapshotIds.reduce((max, id) => (compareStreamIds(id, max) > 0 ? id : max), '0-0');
  return want.filter((id) => !seen.has(id) && compareStreamIds(id, covered) > 0);
}
