import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_STATUSES, type SessionStatus } from '../../shared/session.js';
import { startSimulator } from '../../scripts/simulator/simulator.js';
import { newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
let node: TestNode;
beforeAll(async () => {
  redis = await startTestRedis();
  node = await startNode(redis.url, { env: { ABANDON_AFTER_MS: '600', SESSION_TTL_MS: '8000' } });
});
afterAll(async () => {
  await node?.close();
  await redis?.stop();
});

describe('the traffic simulator', () => {
  it('drives real pages through the protocol until every status has shown up', async () => {
    const { api, key } = await newMerchant(node.ctx, node.url);
    const simulator = startSimulator({ url: node.url, key, arrivalsPerMinute: 1_200, maxConcurrent: 60, heartbeatMs: 200, speed: 40, seed: 7 });
    const seen = new Set<SessionStatus>();
    try {
      await eventually(async () => {
        for (const status of SESSION_STATUSES) {
          const res = await api.get<{ total: number }>(`/v1/checkouts/sessions?status=${status}&limit=1`);
          if (res.body.total > 0) seen.add(status);
        }
        expect([...seen].sort()).toEqual([...SESSION_STATUSES].sort());
      }, 40_000, 250);
      expect(simulator.stats.created).toBeGreaterThan(10);
      expect(simulator.stats.paid).toBeGreaterThan(0);
      expect(simulator.stats.failed).toBeGreaterThan(0);
      expect(simulator.stats.errors, simulator.stats.lastError).toBe(0);
      const online = await api.get<{ total: number }>('/v1/checkouts/sessions?online=true&limit=1');
      expect(online.body.total).toBeGreaterThan(0);
    } finally {
      await simulator.stop();
    }
  }, 60_000);
});
