import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { firstStatus, type Transport } from '../helpers/polling-page.js';
import type { PageSocket } from '../helpers/page.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';

/**
 * A page's handshake (its upgrade request, headers, and its client secret) is read once and let
 * go: a node holds thousands of pages for hours, and none of it is needed after the open. What it
 * told is recorded all the same, on either transport.
 */
const suite = useTestNode();
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';

describe("a page's handshake", () => {
  for (const transport of ['websocket', 'polling'] as Transport[]) {
    it(`over ${transport}: its device is recorded, then the request, headers and secret are let go`, async () => {
      const { node } = suite;
      const { api } = await newMerchant(node.ctx, node.url);
      const session = await createSession(api);
      const socket: PageSocket = io(`${node.url}/checkout`, {
        auth: { sessionId: session.id, clientSecret: session.clientSecret },
        transports: [transport], upgrade: false, forceNew: true, reconnection: false,
        extraHeaders: { 'user-agent': ANDROID },
      });
      try {
        await firstStatus(socket);
        await eventually(async () => expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body).toMatchObject({
          online: true, device: { type: 'mobile', os: 'Android' },
        }));
        const held = [...node.app.io.of('/checkout').sockets.values()].find((s) => s.handshake.address && s.data?.connection?.sessionId === session.id)!;
        expect(held).toBeDefined();
        expect(held.handshake.auth).toEqual({});
        expect(held.handshake.headers).toEqual({});
        expect(held.request).toBeUndefined();
      } finally {
        socket.disconnect();
      }
    });
  }
});
