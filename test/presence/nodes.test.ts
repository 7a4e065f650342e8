import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { FAST_PRESENCE, startNode, type TestNode } from '../helpers/node.js';
import { startNodeProcess } from '../helpers/node-process.js';
import { heartbeat, openPage, type PageSocket } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { presenceFlips, readStream } from '../helpers/stream.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';

const TIMEOUT_MS = Number(FAST_PRESENCE.PRESENCE_TIMEOUT_MS);

let redis: TestRedis;
let b: TestNode;
beforeAll(async () => {
  redis = await startTestRedis();
  b = await startNode(redis.url, { nodeId: 'node-b' });
});
afterAll(async () => {
  await b?.close();
  await redis?.stop();
});

const online = async (api: ApiClient, id: string) => ((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${id}`)).body).online;

describe('several nodes on one Redis', () => {
  it('a page on node A reads back through node B, and when A dies hard its pages go offline within the timeout', async () => {
    const a = await startNodeProcess(redis.url);
    const { api, merchantId } = await newMerchant(b.ctx, b.url);
    const sessions = await Promise.all([createSession(api), createSession(api), createSession(api)]);
    const pages: PageSocket[] = [];
    for (const s of sessions) {
      const { socket } = await openPage(a.url, s.id, s.clientSecret);
      await heartbeat(socket);
      pages.push(socket);
    }
    for (const s of sessions) expect(await online(api, s.id)).toBe(true);
    // Longer than a lease: only A's renewals keep them online.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 1.5));
    for (const s of sessions) expect(await online(api, s.id)).toBe(true);

    const killedAt = Date.now();
    await a.kill('SIGKILL');
    for (const s of sessions) {
      await eventually(async () => expect(await online(api, s.id)).toBe(false), TIMEOUT_MS + 1_000, 10);
    }
    const events = await readStream(b.ctx.redis, { merchantId, mode: 'test' });
    for (const s of sessions) {
      expect(presenceFlips(events, s.id)).toEqual([true, false]);
      // Written within the timeout (the stream id's time, Redis's clock on this machine); reading it
      // back through the API adds polling on a busy test machine, which is not the node's to answer for.
      const offline = events.find((e) => e.sessionId === s.id && e.kind === 'went_offline')!;
      expect(Number(offline.id.split('-')[0]) - killedAt).toBeLessThanOrEqual(TIMEOUT_MS);
    }
    for (const page of pages) page.disconnect();
  });

  it('SIGTERM drains a node: its pages reconnect to another node and never go offline', async () => {
    const a = await startNodeProcess(redis.url);
    const balancer = await startTcpProxy(a.port);
    const { api, merchantId } = await newMerchant(b.ctx, b.url);
    const session = await createSession(api);
    const socket: PageSocket = io(`${balancer.url}/checkout`, {
      auth: { sessionId: session.id, clientSecret: session.clientSecret },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
    });
    try {
      await new Promise((resolve) => socket.once('session_status', resolve));
      expect(await online(api, session.id)).toBe(true);
      balancer.target = b.port;
      const reconnected = new Promise((resolve) => socket.io.once('reconnect', resolve));
      expect(await a.kill('SIGTERM'), a.output()).toBe(0);
      await reconnected;
      await heartbeat(socket);
      // Well past the grace and a lease: still online, and no offline was ever written.
      await new Promise((r) => setTimeout(r, TIMEOUT_MS * 1.5));
      expect(await online(api, session.id)).toBe(true);
      const flips = presenceFlips(await readStream(b.ctx.redis, { merchantId, mode: 'test' }), session.id);
      expect(flips).toEqual([true]);
    } finally {
      socket.disconnect();
      await balancer.close();
    }
  });
});
