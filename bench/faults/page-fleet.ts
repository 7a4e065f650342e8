import { io, type Socket } from 'socket.io-client';

export interface PageAuth {
  sessionId: string;
  clientSecret: string;
}

/**
 * Checkout pages for fault experiments. A living page heartbeats and, when its node goes away,
 * reconnects to the next node at once (as the beacon does through a balancer); a dead page is a tab
 * that closed: it disconnects and never comes back.
 */
export class FleetPage {
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(readonly auth: PageAuth, private readonly urls: () => string[], private nodeIndex: number, private readonly heartbeatMs: number) {}

  open(): Promise<void> {
    const url = this.urls()[this.nodeIndex % this.urls().length]!;
    const socket = io(`${url}/checkout`, { auth: { ...this.auth }, transports: ['websocket'], forceNew: true, reconnection: false });
    this.socket = socket;
    return new Promise((resolve) => {
      socket.once('session_status', () => resolve());
      socket.once('connect_error', () => {
        if (this.closed) return resolve();
        this.nodeIndex++;
        setTimeout(() => void this.open().then(resolve), 100);
      });
      socket.on('disconnect', () => {
        if (this.closed) return;
        // The node went away: the next one, at once.
        this.nodeIndex++;
        void this.open();
      });
      clearInterval(this.timer);
      this.timer = setInterval(() => socket.emit('heartbeat', { visible: true }), this.heartbeatMs);
    });
  }

  /** The tab dies with its node (a laptop lid closing as the node crashes): it never reconnects. */
  abandon(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  /** The tab closes. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.socket?.disconnect();
  }
}
