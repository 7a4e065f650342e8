import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  node = await startNode(cluster.url, { env: { REDIS_CLUSTER: 'true', REDIS_COMMAND_TIMEOUT_MS: '750' } });
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

describe('a Redis Cluster with replicas loses a master under API traffic', () => {
  it('the replica is promoted, only that shard\'s merchants see errors (503 with Retry-After, each within a second), the node heals by itself, no accepted write is lost, no session is stuck', async () => {
    const merchants = await Promise.all(Array.from({ length: 9 }, async () => {
      const merchant = await newMerchant(node.ctx, node.url);
      const slotKey = `${tenantPrefix({ merchantId: merchant.merchantId, mode: 'test' })}x`;
      const session = await createSession(merchant.api);
      const { socket } = await openPage(node.url, session.id, session.clientSecret);
      return { ...merchant, slotKey, master: await cluster.masterOf(slotKey), session, socket: socket as PageSocket };
    }));
    const victim = merchants[0]!.master;
    const onVictim = merchants.filter((m) => m.master === victim);
    const healthy = merchants.filter((m) => m.master !== victim);
    expect(healthy.length).toBeGreaterThan(0);

    const loads = merchants.map((m) => ({ merchant: m, load: traffic(m.api) }));
    await new Promise((r) => setTimeout(r, 300));
    const killedAt = performance.now();
    await victim.stop('SIGKILL');
    await eventually(async () => expect(await cluster.masterOf(onVictim[0]!.slotKey)).not.toBe(victim), NODE_TIMEOUT_MS * 10, 50);
    const promotedAt = performance.now();
    // The node heals with no restart: the failed-over shard's merchants are served again.
    await eventually(() => {
      for (const { merchant, load } of loads) {
        if (merchant.master === victim) expect(load.calls.filter((c) => c.at > promotedAt && c.status === 201).length).toBeGreaterThan(0);
      }
    }, 10_000, 50);
    const healedAt = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    for (const { load } of loads) await load.stop();

    const failed = (list: typeof loads) => list.flatMap(({ load }) => load.calls.filter((c) => c.status !== 201));
    const healthyLoads = loads.filter(({ merchant }) => merchant.master !== victim);
    const victimLoads = loads.filter(({ merchant }) => merchant.master === victim);
    // Merchants on healthy shards: nothing beyond the moment the cluster reconfigures.
    expect(failed(healthyLoads).filter((c) => c.at < killedAt || c.at > promotedAt + 1_000)).toEqual([]);
    // The failed shard's merchants: honest 503s if anything, never a 500.
    expect(failed(victimLoads).filter((c) => c.status !== 503)).toEqual([]);
    // Every call of the failed shard's merchants under way while it had no master answered within a
    // second, and every failure told the client when to retry.
    const duringFailover = victimLoads.flatMap(({ load }) => load.calls.filter((c) => c.at > killedAt && c.startedAt < promotedAt));
    expect(duringFailover.filter((c) => c.ms >= ANSWER_WITHIN_MS)).toEqual([]);
    expect(failed(loads).filter((c) => c.retryAfter !== '1')).toEqual([]);
    const victimRefusals = failed(victimLoads).filter((c) => c.at > killedAt);
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
    for (const m of merchants) m.socket.close();

    console.warn(JSON.stringify({
      clusterNodeTimeoutMs: NODE_TIMEOUT_MS,
      promotionMs: Math.round(promotedAt - killedAt),
      healedMs: Math.round(healedAt - killedAt),
      merchants: { onFailedShard: onVictim.length, onHealthyShards: healthy.length },
      errors: { failedShard: failed(victimLoads).length, healthyShards: failed(healthyLoads).length },
      failedShard503Ms: { count: refusalMs.length, p50: Math.round(percentile(refusalMs, 50)), p99: Math.round(percentile(refusalMs, 99)), max: Math.round(refusalMs.at(-1)!) },
      slowestCallMs: { failedShard: Math.round(Math.max(...victimLoads.flatMap(({ load }) => load.calls.map((c) => c.ms)))), healthyShards: Math.round(Math.max(...healthyLoads.flatMap(({ load }) => load.calls.map((c) => c.ms)))) },
      acceptedWrites: accepted.length,
      lostWrites: missing.length,
    }));
  });
});
