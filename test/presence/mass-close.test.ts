import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { keys, tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { openPage, type PageSocket } from '../helpers/page.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';

/**
 * Every page of a node closing at once (their network dropped, a balancer restarted) is written in
 * group commits: a few dozen closes per script call whatever their merchants, each still offline
 * after the grace. One call per page, ten thousand at once, left the last ones waiting out the
 * command deadline, and those pages went offline only when their leases lapsed.
 */
const suite = useTestNode({ background: false });

async function scriptCalls(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('pages closing all at once', () => {
  it("200 pages of 20 merchants close together: a handful of calls, each page's offline scheduled after the grace", async () => {
    const { node } = suite;
    const pages: Array<{ prefix: string; sessionId: string; socket: PageSocket }> = [];
    for (let m = 0; m < 20; m++) {
      const { merchantId, api } = await newMerchant(node.ctx, node.url);
      const prefix = tenantPrefix({ merchantId, mode: 'test' });
      pages.push(...await Promise.all(Array.from({ length: 10 }, async () => {
        const session = await createSession(api);
        const { socket } = await openPage(node.url, session.id, session.clientSecret);
        return { prefix, sessionId: session.id, socket };
      })));
    }
    const redis = new Redis(suite.redis.url);
    try {
      const before = await scriptCalls(redis);
      // Redis holds its writes for a moment, as a busy one would: the closes that come meanwhile queue.
      await redis.client('PAUSE', 300, 'WRITE');
      const closedAt = Date.now();
      for (const { socket } of pages) socket.disconnect();
      await eventually(() => expect([node.app.io.of('/checkout').sockets.size, node.app.checkout.closes.pending]).toEqual([0, 0]), 5_000, 20);
      const calls = (await scriptCalls(redis)) - before;
      // Four calls went out at once (one close each); the other 196 waited and went 64 to a call.
      expect(calls).toBeLessThanOrEqual(4 + Math.ceil(196 / 64));
      const grace = node.ctx.config.presence.offlineGraceMs;
      for (const { prefix, sessionId } of pages) {
        const due = Number(await redis.zscore(keys.due(prefix as never, 'offline'), sessionId));
        expect(due - closedAt).toBeGreaterThanOrEqual(grace);
        expect(due - closedAt).toBeLessThan(grace + 2_000);
      }
    } finally {
      redis.disconnect();
    }
  });
});
