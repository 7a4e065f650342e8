import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, newMerchant, SAMPLE_SESSION } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
let node: TestNode;

beforeAll(async () => {
  redis = await startTestRedis();
  // The shipped command timeout and presence timings: what an operator gets (the suite's fast
  // timings would let a busy machine's pauses drop the page by ping timeout, which is not tested here).
  node = await startNode(redis.url, { env: { HEARTBEAT_INTERVAL_MS: '10000', PRESENCE_TIMEOUT_MS: '30000', OFFLINE_GRACE_MS: '5000', REDIS_COMMAND_TIMEOUT_MS: '600' } });
});

afterAll(async () => {
  await node?.close();
  await redis?.stop();
});

describe('Redis away', () => {
  it('every API call answers 503 with Retry-After within a second, pages stay connected, and the node heals when Redis returns', async () => {
    const merchant = await newMerchant(node.ctx, node.url);
    const session = await createSession(merchant.api);
    const { socket } = await openPage(node.url, session.id, session.clientSecret);
    try {
      await redis.down();
      const calls = [
        () => merchant.api.get('/v1/checkouts/sessions'),
        () => merchant.api.get(`/v1/checkouts/sessions/${session.id}`),
        () => merchant.api.post('/v1/checkouts/sessions', SAMPLE_SESSION),
        () => merchant.api.post(`/v1/checkouts/sessions/${session.id}/events`, { type: 'payment_attempted' }),
        () => merchant.api.get('/v1/checkouts/stats'),
      ];
      for (const call of calls) {
        const started = performance.now();
        const res = await call();
        const elapsedMs = performance.now() - started;
        expect(res.status, call.toString()).toBe(503);
        expect(res.body).toMatchObject({ error: { code: 'serviceUnavailable', statusCode: 503 } });
        expect(res.headers.get('retry-after')).toBe('1');
        expect(elapsedMs, call.toString()).toBeLessThan(1_000);
      }
      // The transport does not need Redis: the page's socket lives and its heartbeats are answered.
      expect(socket.connected).toBe(true);
      expect(await heartbeat(socket)).toMatchObject({ status: 'active' });

      await redis.up();
      const back = await eventually(async () => {
        const res = await merchant.api.get(`/v1/checkouts/sessions/${session.id}`);
        expect(res.status).toBe(200);
        return res;
      }, 10_000, 100);
      expect(back.body).toMatchObject({ id: session.id, online: true });
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
  });
});
