import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSessionsQuery, type ListSessionsResponse } from '../../shared/list-query.js';
import { ManualClock } from '../../server/clock.js';
import { tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { listSessions } from '../../server/store/list/sessions-list.js';
import { newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { oracleList } from './oracle.js';
import { rng } from '../helpers/rng.js';
import { randomParams, seedDataSet, validOnly } from './oracle-data.js';

/**
 * The list API against a plain in-memory filter over every session, for random data sets built
 * through the real scripts and thousands of random filter combinations: same ids, order and total.
 */
let redis: TestRedis;
const strategies = new Set<string>();
let node: TestNode;
const clock = new ManualClock(Date.UTC(2026, 0, 10, 12));

beforeAll(async () => {
  redis = await startTestRedis();
  node = await startNode(redis.url, { clock, background: false });
});
afterAll(async () => {
  await node?.close();
  await redis?.stop();
});

// Thousands of queries per seed: minutes, not seconds, when the suite shares two cores.
describe('list sessions against an in-memory oracle', { timeout: 180_000 }, () => {
  for (const [seed, size, queries, arrival] of [[1, 400, 1200, 'random'], [7, 1500, 1500, 'mostly']] as const) {
    it(`seed ${seed}: ${size} sessions arriving in ${arrival} order, ${queries} random queries`, async () => {
      const r = rng(seed);
      const { merchantId, api } = await newMerchant(node.ctx, node.url, 'live');
      const tenant: Tenant = { merchantId, mode: 'live' };
      const all = await seedDataSet(node, clock, r, tenant, size, arrival);
      let checked = 0;
      let nonEmpty = 0;
      for (let q = 0; q < queries * 2 && checked < queries; q++) {
        const params = randomParams(r, all);
        if (!validOnly(params)) continue;
        const query = listSessionsQuery.parse(params);
        const expected = oracleList(all, query);
        const res = await api.get<ListSessionsResponse>(`/v1/checkouts/sessions?${new URLSearchParams(params).toString()}`);
        const context = JSON.stringify(params);
        expect(res.status, context).toBe(200);
        expect({ total: res.body.total, ids: res.body.data.map((s) => s.id) }, context).toEqual(expected);
        expect(res.body.hasMore, context).toBe(query.offset + expected.ids.length < expected.total);
        expect(res.body.page, context).toBe(Math.floor(query.offset / query.limit) + 1);
        strategies.add(res.headers.get('x-list-plan') ?? 'none');
        if (checked % 50 === 0) expect((await listSessions(node.ctx.storeContext, tenant, query)).strategy).toBe(res.headers.get('x-list-plan'));
        checked++;
        if (expected.total > 0) nonEmpty++;
      }
      expect(checked).toBe(queries);
      // Scratch bitmaps of the planner never outlive a query.
      expect(await node.ctx.redis.keys(`${tenantPrefix(tenant)}i:tmp*`)).toEqual([]);
      // The random filters must actually select: most queries hit something.
      expect(nonEmpty).toBeGreaterThan(queries / 3);
      // And the rows are the stored sessions themselves.
      const first = await api.get<ListSessionsResponse>('/v1/checkouts/sessions?limit=100');
      const byId = new Map(all.map((s) => [s.id, s]));
      for (const row of first.body.data) expect(row).toEqual(byId.get(row.id));
    });
  }

  it('exercised every way the planner answers', () => {
    expect([...strategies].sort()).toEqual(['bitmap-enum', 'bitmap-walk', 'empty', 'enum', 'ordinal-walk', 'range', 'rank', 'walk']);
  });
});
