import { io } from 'socket.io-client';
import type { SessionState } from '../../shared/checkout-socket.js';
import type { PageSocket } from './page.js';

export type Transport = 'websocket' | 'polling';

/**
 * A checkout page on one transport that reconnects as the beacon does (with backoff), for tests
 * through a balancer. `polling` never upgrades: a page that cannot hold a WebSocket.
 */
export function connectPage(baseUrl: string, sessionId: string, clientSecret: string, transport: Transport): PageSocket {
  return io(`${baseUrl}/checkout`, {
    auth: { sessionId, clientSecret },
    transports: [transport],
    upgrade: false,
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
}

/** Resolves with the first status the server tells the page, or rejects on the first connect error. */
export function firstStatus(socket: PageSocket, timeoutMs = 5_000): Promise<SessionState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no status')), timeoutMs);
    socket.once('session_status', (state) => {
      clearTimeout(timer);
      resolve(state);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
