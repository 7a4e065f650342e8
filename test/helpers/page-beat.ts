import type { PageSocket } from './page.js';

/** Heartbeats every `everyMs` while connected, as the beacon does; returns the stop. */
export function keepBeating(socket: PageSocket, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (socket.connected) socket.emit('heartbeat', { visible: true });
  }, everyMs);
  return () => clearInterval(timer);
}
