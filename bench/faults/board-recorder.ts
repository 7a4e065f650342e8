import { io, type Socket } from 'socket.io-client';
import type { ChangeEvent } from '../../shared/change-event.js';

/**
 * A board that records every event id it receives, and resumes from its last id whenever its
 * node goes away (on the next node) or it is taken offline on purpose.
 */
export class BoardRecorder {
  readonly ids: string[] = [];
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
