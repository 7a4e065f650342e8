import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { readStream } from '../helpers/stream.js';
import { sessionBody } from '../helpers/session-body.js';

/**
 * Due work is found through the schedule the scripts keep: a sweep visits the tenants with
 * something due and no other, and nodes sweeping at once share the work without applying any
 * transition twice.
 */
const clock = new ManualClock(Date.UTC(2026, 2, 1, 9));
const DAY = 86_400_000;
let redis: TestRedis;
let admin: Redis;
const nodes: TestNode[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  const { Redis } = await import('ioredis');
  admin = new Redis(redis.url);
  for (let i = 0; i < 2; i++) nodes.push(await startNode(redis.url, { clock, background: false, nodeId: `sched${i}` }));
});
afterAll(async () => {
  for (const node of nodes) await node.close();
  admin.disconnect();
  await redis.stop();
});

/** Script calls Redis has run so far. */
async function scriptsRun(): Promise<number> {
  const stats = await admin.info('commandstats');
  let calls = 0;
  for (const match of stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) calls += Number(match[1]);
  return calls;
}

/** In batches: thousands of creations at once can outlast the command timeout on a busy machine. */
async function createTenants(prefix: string, count: number, ttlMs: number): Promise<Array<{ tenant: Tenant; sessionId: string }>> {
  const node = nodes[0]!;
  const body = sessionBody({ totalAmount: 500, currency: 'BRL', product: { name: 'x' }, domainHost: 'shop.example.org' });
  const created: Array<{ tenant: Tenant; sessionId: string }> = [];
  for (let from = 0; from < count; from += 250) {
    created.push(...await Promise.all(Array.from({ length: Math.min(250, count - from) }, async (_, i) => {
      const tenant: Tenant = { merchantId: `${prefix}${from + i}`, mode: 'live' };
      return { tenant, sessionId: (await node.ctx.sessions.create(tenant, body, ttlMs)).id };
    })));
  }
  return created;
}

describe('the schedule of due work', { timeout: 60_000 }, () => {
  it('a sweep runs scripts for the few tenants with something due, not for the thousands idle', async () => {
    await createTenants('idle', 3_000, DAY);
    const due = await createTenants('due', 5, 60_000);
    clock.advance(61_000);
    const before = await scriptsRun();
    const applied = await nodes[0]!.app.sweeper.tick();
    const ran = (await scriptsRun()) - before;
    expect(applied).toBe(5);
    // One claim call, and per due tenant its four sweeps (presence, abandonment, expiry, webhook
    // deliveries) and its reschedule.
    expect(ran).toBeLessThanOrEqual(1 + 5 * 5);
    for (const { tenant } of due) expect((await readStream(admin, tenant)).map((e) => e.kind)).toContain('expired');
    // Nothing is due any more: the next sweep runs one claim and nothing else.
    const again = await scriptsRun();
    expect(await nodes[0]!.app.sweeper.tick()).toBe(0);
    expect((await scriptsRun()) - again).toBe(1);
  });

  it('tenants whose data predates the schedule are entered in it once, and their due work runs', async () => {
    const [old] = await createTenants('before', 1, 60_000);
    const prefix = tenantPrefix(old!.tenant);
    // As a deployment from before the schedule left it: the tenant listed, not scheduled.
    await admin.zrem(keys.schedule(), prefix);
    await admin.del(keys.scheduleSeeded);
    await admin.sadd(keys.tenants, prefix);
    clock.advance(61_000);
    expect(await nodes[0]!.app.sweeper.tick()).toBe(0);
    expect(await nodes[0]!.ctx.schedule.scheduleKnownTenants()).toBeGreaterThanOrEqual(1);
    expect(await nodes[0]!.ctx.schedule.scheduleKnownTenants()).toBe(0);
    expect(await nodes[0]!.app.sweeper.tick()).toBe(1);
    expect((await readStream(admin, old!.tenant)).map((e) => e.kind)).toContain('expired');
  });

  it('two nodes sweeping the same due work at once apply each transition exactly once', async () => {
    const due = await createTenants('race', 400, 30_000);
    clock.advance(31_000);
    const [a, b] = nodes as [TestNode, TestNode];
    const [byA, byB] = await Promise.all([a.app.sweeper.tick(), b.app.sweeper.tick()]);
    expect(byA + byB).toBe(400);
    // Both took part: the claims shared the tenants between them.
    expect(Math.min(byA, byB)).toBeGreaterThan(0);
    for (const { tenant } of due) {
      expect((await readStream(admin, tenant)).filter((e) => e.kind === 'expired')).toHaveLength(1);
    }
  });
});
