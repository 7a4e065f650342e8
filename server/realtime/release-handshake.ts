import { ServerResponse } from 'node:http';
import type { Server, Socket } from 'socket.io';

/**
 * Socket.IO holds on to what a socket's handshake carried for the socket's whole life: the upgrade
 * request (its headers twice over, as an object and as raw pairs), engine.io's stand-in response to
 * it, which keeps the request, and the auth payload (a page's client secret). A page stays
 * connected for as long as its checkout is open, so on a node with many pages that is about a
 * kilobyte each, held for nothing. Once read, it is let go; the address, the query and the
 * handshake's time stay.
 */
const UPGRADE_RESPONSE = Symbol('upgrade response');
type UpgradeRequest = { [UPGRADE_RESPONSE]?: { req?: unknown } };

/** Notes engine.io's stand-in response to each WebSocket upgrade, so it can let go of its request. */
export function rememberUpgradeResponses(io: Server): void {
  io.engine.use((req: UpgradeRequest, res: unknown, next: () => void) => {
    if (!(res instanceof ServerResponse)) req[UPGRADE_RESPONSE] = res as { req?: unknown };
    next();
  });
}

/** Lets go of the socket's handshake request, headers and auth payload, once they have been read. */
export function releaseHandshake(socket: Socket): void {
  const conn = socket.conn as { request?: UpgradeRequest };
  const response = conn.request?.[UPGRADE_RESPONSE];
  // engine.io reads the request (and its response) only while the connection is being set up.
  if (response) response.req = undefined;
  conn.request = undefined;
  const handshake = socket.handshake as { headers: Socket['handshake']['headers']; auth: Socket['handshake']['auth'] };
  handshake.headers = {};
  handshake.auth = {};
}
