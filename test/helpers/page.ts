import { io, type Socket } from 'socket.io-client';
import type { CheckoutAck, CheckoutClientToServer, CheckoutServerToClient, SessionState } from '../../shared/checkout-socket.js';

export type PageSocket = Socket<CheckoutServerToClient, CheckoutClientToServer>;

/** A checkout page: a real socket.io-client on `/checkout`, resolved once the server told it the status. */
export async function openPage(baseUrl: string, sessionId: string, clientSecret: string): Promise<{ socket: PageSocket; first: SessionState }> {
  const socket: PageSocket = io(`${baseUrl}/checkout`, {
    auth: { sessionId, clientSecret },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const first = await new Promise<SessionState>((resolve, reject) => {
    socket.once('session_status', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, first };
}

export function heartbeat(socket: PageSocket, payload: unknown = { visible: true }): Promise<CheckoutAck> {
  return socket.timeout(5_000).emitWithAck('heartbeat', payload);
}

/** Emits any event with any payload (for malformed-input tests) and resolves with its ack. */
export function emitRaw(socket: PageSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket as unknown as Socket).timeout(5_000).emitWithAck(event, ...args);
}
