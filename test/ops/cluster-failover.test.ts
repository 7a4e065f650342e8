import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedRedis } from '../../server/redis/embedded.js';
import type { CheckoutSession } from '../../shared/session.js';
import { tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant, SAMPLE_SESSION, type ApiClient } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { openPage, type PageSocket } from '../helpers/page.js';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster.js';
import { eventually } from '../helpers/wait.js';

const NODE_TIMEOUT_MS = 1_000;
let cluster: TestCluster;
let node: TestNode;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 1, nodeTimeoutMs: NODE_TIMEOUT_MS });
  // The shipped deadline, and rate limits counted (high enough never to refuse): their counters live
  // on whichever shard their keys hash to.
  node = await startNode(cluster.url, { env: { REDIS_CLUSTER: 'true', REDIS_COMMAND_TIMEOUT_MS: '600', RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_KEY: '1000000' } });
});
afterAll(async () => {
  await node?.close();
  await cluster?.stop();
});

interface Call { startedAt: number; at: number; status: number; ms: number; retryAfter: string | null; id?: string }

/** The target for a call needing a shard that fails over: an answer, or an honest 503, within a second. */
const ANSWER_WITHIN_MS = 1_000;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** One merchant's backend: creates sessions one after another until told to stop. */
function traffic(api: ApiClient) {
  const calls: Call[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const res = await api.post<CheckoutSession>('/v1/checkouts/sessions', SAMPLE_SESSION).catch(() => ({ status: 0, body: undefined, headers: new Headers() }));
      const at = performance.now();
      calls.push({ startedAt: started, at, status: res.status, ms: at - started, retryAfter: res.headers.get('retry-after'), ...(res.status === 201 ? { id: res.body!.id } : {}) });
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return { calls, stop: () => { running = false; return done; } };
}

/** The key of this client's per-IP rate-limit counter (the tests' calls all come from one address). */
async function rateLimitKey(): Promise<string> {
  for (const url of cluster.urls) {
    const client = new Redis(url, { commandTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      const [, found] = await client.scan('0', 'MATCH', 'cp:rl:ip:*', 'COUNT', 10_000);
      if (found.length > 0) return found[0]!;
    } catch {
      // a stopped server: ask the next
    } finally {
      client.disconnect();
    }
  }
  throw new Error('no rate-limit counter yet');
}

type Merchant = Awaited<ReturnType<typeof newMerchant>> & { slotKey: string; session: Awaited<ReturnType<typeof createSession>>; socket: PageSocket };
const merchants: Merchant[] = [];

/**
 * A master lost under API traffic (`fault` kills or freezes it) until its replica is promoted and
 * every merchant is served again: only that shard's merchants see errors, each an honest 503 with
 * Retry-After within a second; the node heals by itself, no accepted write is lost, no session is
 * stuck. Returns the figures, printed by each test.
 */
async function loseMaster(victim: EmbeddedRedis, fault: (victim: EmbeddedRedis) => Promise<void>) {
  const masters = new Map(await Promise.all(merchants.map(async (m) => [m, await cluster.masterOf(m.slotKey)] as const)));
  const onVictim = merchants.filter((m) => masters.get(m) === victim);
  const healthy = merchants.filter((m) => masters.get(m) !== victim);
  expect(onVictim.length).toBeGreaterThan(0);
  expect(healthy.length).toBeGreaterThan(0);

  const loads = merchants.map((m) => ({ merchant: m, load: traffic(m.api) }));
  await new Promise((r) => setTimeout(r, 300));
  const faultAt = performance.now();
  await fault(victim);
  await eventually(async () => expect(await cluster.masterOf(onVictim[0]!.slotKey)).not.toBe(victim), NODE_TIMEOUT_MS * 10, 50);
  const promotedAt = performance.now();
  // The node heals with no restart: the failed-over shard's merchants are served again.
  await eventually(() => {
    for (const { merchant, load } of loads) {
      if (masters.get(merchant) === victim) expect(load.calls.filter((c) => c.at > promotedAt && c.status === 201).length).toBeGreaterThan(0);
    }
  }, 10_000, 50);
  const healedAt = performance.now();
  await new Promise((r) => setTimeout(r, 300));
  for (const { load } of loads) await load.stop();

  const failed = (list: typeof loads) => list.flatMap(({ load }) => load.calls.filter((c) => c.status !== 201));
  const healthyLoads = loads.filter(({ merchant }) => masters.get(merchant) !== victim);
  const victimLoads = loads.filter(({ merchant }) => masters.get(merchant) === victim);
  // Merchants on healthy shards: nothing beyond the moment the cluster reconfigures.
  expect(failed(healthyLoads).filter((c) => c.at < faultAt || c.at > promotedAt + 1_000)).toEqual([]);
  // The failed shard's merchants: honest 503s if anything, never a 500.
  expect(failed(victimLoads).filter((c) => c.status !== 503)).toEqual([]);
  // Every call under way while the shard had no master answered within a second (the failed
  // shard's merchants', and the others', whose rate-limit counters may live on that shard), and
  // every failure told the client when to retry.
  const duringFailover = loads.flatMap(({ load }) => load.calls.filter((c) => c.at > faultAt && c.startedAt < promotedAt));
  expect(duringFailover.filter((c) => c.ms >= ANSWER_WITHIN_MS)).toEqual([]);
  expect(failed(loads).filter((c) => c.retryAfter !== '1')).toEqual([]);
  const victimRefusals = failed(victimLoads).filter((c) => c.at > faultAt);
  expect(victimRefusals.length, 'the failed shard\'s merchants were refused while it had no master').toBeGreaterThan(0);
  const refusalMs = victimRefusals.map((c) => c.ms).sort((a, b) => a - b);

  // Every accepted write is there after the failover.
  const accepted = loads.flatMap(({ merchant, load }) => load.calls.filter((c) => c.id).map((c) => ({ api: merchant.api, id: c.id! })));
  const missing: string[] = [];
  for (const { api, id } of accepted) if ((await api.get(`/v1/checkouts/sessions/${id}`)).status !== 200) missing.push(id);
  expect(missing).toEqual([]);

  // No session stuck: every page's session reads online, its presence renewed on the new master.
  await eventually(async () => {
    for (const m of merchants) expect((await m.api.get<CheckoutSession>(`/v1/checkouts/sessions/${m.session.id}`)).body.online, m.session.id).toBe(true);
  }, 10_000, 100);

  return {
    clusterNodeTimeoutMs: NODE_TIMEOUT_MS,
    promotionMs: Math.round(promotedAt - faultAt),
    healedMs: Math.round(healedAt - faultAt),
    merchants: { onFailedShard: onVictim.length, onHealthyShards: healthy.length },
    errors: { failedShard: failed(victimLoads).length, healthyShards: failed(healthyLoads).length },
    failedShard503Ms: { count: refusalMs.length, p50: Math.round(percentile(refusalMs, 50)), p99: Math.round(percentile(refusalMs, 99)), max: Math.round(refusalMs.at(-1)!) },
    slowestCallMs: { failedShard: Math.round(Math.max(...victimLoads.flatMap(({ load }) => load.calls.map((c) => c.ms)))), healthyShards: Math.round(Math.max(...healthyLoads.flatMap(({ load }) => load.calls.map((c) => c.ms)))) },
    acceptedWrites: accepted.length,
    lostWrites: missing.length,
  };
}

describe('a Redis Cluster with replicas loses a master under API traffic', () => {
  beforeAll(async () => {
    // Merchants until every shard has two: each test fails a shard some of them are on.
    const onShard = new Map<number, number>();
    while (merchants.length < 30 && (onShard.size < 3 || [...onShard.values()].some((n) => n < 2))) {
      const merchant = await newMerchant(node.ctx, node.url);
      const slotKey = `${tenantPrefix({ merchantId: merchant.merchantId, mode: 'test' })}x`;
      const session = await createSession(merchant.api);
      const { socket } = await openPage(node.url, session.id, session.clientSecret);
      merchants.push({ ...merchant, slotKey, session, socket: socket as PageSocket });
      const master = (await cluster.masterOf(slotKey)).port;
      onShard.set(master, (onShard.get(master) ?? 0) + 1);
    }
  });
  afterAll(() => {
    for (const m of merchants) m.socket.close();
  });

  it('killed (SIGKILL): the replica is promoted, only that shard\'s merchants see errors (503 with Retry-After, each within a second), the node heals by itself, no accepted write is lost, no session is stuck', async () => {
    // Not the shard of this client's rate-limit counter: the next test freezes that one.
    const counter = await cluster.masterOf(await rateLimitKey());
    let victim = counter;
    for (const m of merchants) if (victim === counter) victim = await cluster.masterOf(m.slotKey);
    const figures = await loseMaster(victim, (v) => v.stop('SIGKILL'));
    console.warn(JSON.stringify({ fault: 'master killed', ...figures }));
  });

  it('frozen (SIGSTOP, a hung host): its connections stay open and silent, yet every call needing it is a 503 within a second; once resumed it rejoins as a replica', async () => {
    // The shard of this client's rate-limit counter, which still has its replica: every call, any
    // merchant's, counts there first.
    const replication = async (server: EmbeddedRedis) => {
      const client = new Redis(server.url, { commandTimeout: 500, maxRetriesPerRequest: 0 });
      try {
        return await client.info('replication');
      } finally {
        client.disconnect();
      }
    };
    const victim = await cluster.masterOf(await rateLimitKey());
    expect(await replication(victim)).toMatch(/connected_slaves:[1-9]/);
    expect(victim.pid).toBeDefined();
    const pid = victim.pid!;
    let frozen = false;
    try {
      // Frozen until every merchant is served again: the node must heal without it.
      const figures = await loseMaster(victim, async () => {
        process.kill(pid, 'SIGSTOP');
        frozen = true;
      });
      console.warn(JSON.stringify({ fault: 'master frozen', ...figures }));
    } finally {
      if (frozen) process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => expect(await replication(victim)).toContain('role:slave'), 10_000, 100);
  });
});
