import { describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import type { SessionStats } from '../../shared/session-stats.js';
import { ManualClock } from '../../server/clock.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard } from '../helpers/board-client.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';
import { rng } from '../helpers/rng.js';
import { seedDataSet } from '../list/oracle-data.js';
import { sessionBody } from '../helpers/session-body.js';

/**
 * The board's headline counts and sparkline history come from the server, over every session of a
 * tenant, not only the newest ones a board holds.
 */
const clock = new ManualClock(Date.UTC(2026, 0, 10, 12));
const suite = useTestNode({ clock, background: false });
const HOUR = 3_600_000;

describe('board stats', { timeout: 120_000 }, () => {
  it('GET /v1/checkouts/stats counts exactly what a plain filter over every session counts', async () => {
    const { node } = suite;
    const { merchantId, api } = await newMerchant(node.ctx, node.url, 'live');
    const all = await seedDataSet(node, clock, rng(31), { merchantId, mode: 'live' }, 300, 'random');
    const at = (value: string | null) => (value === null ? Number.NaN : Date.parse(value));
    for (const since of [Date.UTC(2026, 0, 13), Date.UTC(2026, 0, 14, 3), clock.now() - 20 * HOUR]) {
      const now = clock.now();
      const want = {
        online: all.filter((s) => s.online).length,
        open: all.filter((s) => s.status === 'active').length,
        failedLastHour: all.filter((s) => s.status === 'failed' && at(s.updatedAt) >= now - HOUR).length,
        abandonedToday: all.filter((s) => s.status === 'abandoned' && at(s.updatedAt) >= since).length,
        expiredToday: all.filter((s) => s.status === 'expired' && at(s.updatedAt) >= since).length,
        succeededToday: all.filter((s) => s.status === 'completed' && at(s.completedAt) >= since).length,
        createdToday: all.filter((s: CheckoutSession) => at(s.createdAt) >= since).length,
        total: all.length,
        since: new Date(since).toISOString(),
        asOf: new Date(now).toISOString(),
      };
      const res = await api.get<SessionStats>(`/v1/checkouts/stats?since=${new Date(since).toISOString()}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(want);
    }
    // The counts must select: a data set where every count is zero would prove nothing.
    const whole = (await api.get<SessionStats>(`/v1/checkouts/stats?since=${new Date(Date.UTC(2026, 0, 1)).toISOString()}`)).body;
    expect(Math.min(whole.open, whole.abandonedToday, whole.expiredToday, whole.succeededToday, whole.createdToday)).toBeGreaterThan(0);
  });

  it('refuses bad parameters with the envelope, naming them', async () => {
    const { node } = suite;
    const { api } = await newMerchant(node.ctx, node.url, 'live');
    const res = await api.get<{ error: { code: string; params: unknown[] } }>('/v1/checkouts/stats?since=yesterday&colour=red');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalidParameters');
    expect(res.body.error.params).toEqual(expect.arrayContaining([{ since: expect.any(String) }, { colour: 'is not a known field' }]));
  });

  it('a board snapshot carries the tenant total and the last half hour of online counts', async () => {
    const { node } = suite;
    const { merchantId } = await newMerchant(node.ctx, node.url, 'test');
    const tenant: Tenant = { merchantId, mode: 'test' };
    const prefix = tenantPrefix(tenant);
    clock.set(Date.UTC(2026, 0, 20, 9, 0, 5));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await node.ctx.sessions.create(tenant, sessionBody({ totalAmount: 100, currency: 'BRL', product: { name: 'x' }, domainHost: 'shop.example.org' }), 86_400_000)).id);
    const started = clock.now() - 5_000;
    // Minute by minute, one more page online; the first sweep of each minute samples it.
    const renew = async (pages: number) => {
      await node.ctx.presence.touch(prefix, ids.slice(0, pages).map((sessionId, i) => ({ sessionId, connectionId: `tab-${i}`, visited: false, renew: true, aliveAt: clock.now() })));
    };
    for (let minute = 0; minute < 4; minute++) {
      await renew(minute);
      await node.ctx.presence.connect(prefix, ids[minute]!, `tab-${minute}`);
      await node.app.sweeper.tick();
      await node.app.sweeper.tick();
      clock.advance(60_000);
    }
    // Older than half an hour: dropped from what the board gets.
    clock.advance(27 * 60_000);
    await renew(4);
    await node.app.sweeper.tick();
    const token = await new BoardTokenStore(node.ctx.redis, clock).create(tenant);
    const board = await openBoard(node.url, await boardCookie(node.url, token));
    await board.hello();
    await eventually(() => expect(board.snapshots).toHaveLength(1));
    const snapshot = board.snapshots[0]!;
    expect(snapshot.total).toBe(4);
    const minute = (n: number) => new Date(started + n * 60_000).toISOString();
    expect(snapshot.onlineHistory).toEqual([
      { at: minute(2), online: 3 }, { at: minute(3), online: 4 }, { at: minute(31), online: 4 },
    ]);
    board.close();
  });
});
