import { Redis } from 'ioredis';
import { systemClock } from '../../server/clock.js';
import { connectRedis } from '../../server/redis/connect.js';
import type { EmbeddedRedis } from '../../server/redis/embedded.js';
import { ApiKeyStore } from '../../server/store/api-keys-store.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { startNodeProcess, type NodeProcess } from '../../test/helpers/node-process.js';
import { startTestCluster } from '../../test/helpers/redis-cluster.js';
import { BoardRecorder, missedBy } from './board-recorder.js';
import { FleetPage } from './page-fleet.js';

export interface FailoverOptions {
  pages: number;
  presenceTimeoutMs: number;
  heartbeatMs: number;
  clusterNodeTimeoutMs: number;
  nodeEnv: Record<string, string>;
}

interface Call { merchant: number; startedAt: number; at: number; status: number }

const MERCHANTS = 9;
const progress = (what: string) => process.stderr.write(`faults: ${what}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idMs = (id: string) => Number(id.slice(0, id.indexOf('-')));

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
}

function latencies(calls: readonly Call[]) {
  const sorted = calls.map((c) => c.at - c.startedAt).sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}

async function replication(server: EmbeddedRedis): Promise<string> {
  const client = new Redis(server.url, { commandTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    return await client.info('replication');
  } catch {
    return '';
  } finally {
    client.disconnect();
  }
}

/**
 * A Redis Cluster master lost under load, on three nodes over three masters with a replica each:
 * first one killed (SIGKILL), then another frozen (SIGSTOP: a hung host, its connections open and
 * silent; resumed once its replica took over). Each merchant's backend creates sessions one after
 * another through the nodes, pages heartbeat, a board per merchant records every event. Per fault:
 * the replica's promotion, API errors and latencies on the failed shard and on the healthy ones,
 * when the failed shard's merchants were served again, living pages that flapped offline; then
 * boards' missed or repeated events and accepted creates lost, over both.
 */
export async function masterFailovers(options: FailoverOptions): Promise<Record<string, unknown>> {
  const cluster = await startTestCluster({ replicas: 1, nodeTimeoutMs: options.clusterNodeTimeoutMs });
  const redis = connectRedis({ url: cluster.url, cluster: true });
  redis.on('error', () => undefined);
  const env = { ...options.nodeEnv, REDIS_CLUSTER: 'true', RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_KEY: '1000000' };
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await startNodeProcess(cluster.url, env));
  const urls = () => nodes.map((n) => n.url);

  // As many merchants on each shard (ids alike in all but a digit hash to neighbouring slots).
  const merchants: Array<{ tenant: Tenant; key: string; slotKey: string }> = [];
  const perShard = new Map<number, number>();
  for (let i = 0; merchants.length < MERCHANTS; i++) {
    const tenant: Tenant = { merchantId: `failover_${i}`, mode: 'test' };
    const slotKey = `${tenantPrefix(tenant)}x`;
    const shard = (await cluster.masterOf(slotKey)).port;
    if ((perShard.get(shard) ?? 0) >= MERCHANTS / 3) continue;
    perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    merchants.push({ tenant, key: await new ApiKeyStore(redis, systemClock).create(tenant.merchantId, 'test'), slotKey });
  }
  const create = (m: number, node: number) => fetch(`${urls()[node % 3]}/v1/checkouts/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json', selectkey: merchants[m]!.key },
    body: JSON.stringify({ totalAmount: 4200, currency: 'BRL', domainHost: 'shop.example.org', product: { id: 'p', name: 'Plan', quantity: 1 } }),
    signal: AbortSignal.timeout(10_000),
  });

  progress('cluster up, merchants placed');
  const pages: FleetPage[] = [];
  for (let i = 0; i < options.pages; i++) {
    const body = (await (await create(i % MERCHANTS, i)).json()) as { id: string; clientSecret: string };
    const page = new FleetPage({ sessionId: body.id, clientSecret: body.clientSecret }, urls, i, options.heartbeatMs);
    await page.open();
    pages.push(page);
  }
  const boards = [];
  for (const [i, { tenant }] of merchants.entries()) {
    const token = await new BoardTokenStore(redis, systemClock).create(tenant);
    const res = await fetch(`${urls()[i % 3]}/board?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
    const board = new BoardRecorder(res.headers.get('set-cookie')!.split(';')[0]!, urls, i);
    const from = (await redis.xrevrange(keys.stream(tenantPrefix(tenant)), '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
    await board.open();
    boards.push({ tenant, board, from });
  }

  // Each merchant's backend: one create after another, through the nodes in turn.
  const calls: Call[] = [];
  const accepted: Array<{ tenant: Tenant; id: string }> = [];
  let running = true;
  const traffic = Promise.all(merchants.map(async ({ tenant }, m) => {
    for (let n = m; running; n++) {
      const startedAt = performance.now();
      let status = 0;
      try {
        const res = await create(m, n);
        status = res.status;
        const body = (await res.json()) as { id?: string };
        if (status === 201 && body.id) accepted.push({ tenant, id: body.id });
      } catch {
        // a network error: status 0
      }
      calls.push({ merchant: m, startedAt, at: performance.now(), status });
      await sleep(20);
    }
  }));
  progress('pages, boards and traffic running');
  await sleep(2_000);

  /** `fault` takes the master out; `resume`, once its merchants are served again, lets it back (a frozen one). */
  const loseMaster = async (victim: EmbeddedRedis, fault: () => void, resume = () => {}) => {
    const masters = await Promise.all(merchants.map((m) => cluster.masterOf(m.slotKey)));
    const onVictim = new Set(merchants.flatMap((_, i) => (masters[i] === victim ? [i] : [])));
    const faultAt = performance.now();
    const faultAtMs = Date.now();
    fault();
    const someone = merchants[[...onVictim][0]!]!;
    // No master at all for a moment (failed, not yet replaced) counts as not yet promoted.
    while (((await cluster.masterOf(someone.slotKey).catch(() => undefined)) ?? victim) === victim) await sleep(50);
    const promotedAt = performance.now();
    progress(`replica promoted after ${Math.round(promotedAt - faultAt)} ms`);
    // Served again: every merchant of the failed shard had a create accepted after the promotion.
    while ([...onVictim].some((m) => !calls.some((c) => c.merchant === m && c.at > promotedAt && c.status === 201))) await sleep(50);
    const healedAt = performance.now();
    progress(`failed shard's merchants served again after ${Math.round(healedAt - faultAt)} ms`);
    resume();
    await sleep(options.presenceTimeoutMs + 2_000);
    const window = calls.filter((c) => c.at > faultAt && c.startedAt < healedAt);
    const failed = window.filter((c) => onVictim.has(c.merchant));
    const healthy = window.filter((c) => !onVictim.has(c.merchant));
    const errors = (list: Call[]) => Object.fromEntries([...new Set(list.filter((c) => c.status !== 201).map((c) => c.status))]
      .map((s) => [s === 0 ? 'network' : String(s), list.filter((c) => c.status === s).length]));
    const living = new Set(pages.map((p) => p.auth.sessionId));
    let flapped = 0;
    for (const { tenant } of merchants) {
      for (const [, fields] of await redis.xrange(keys.stream(tenantPrefix(tenant)), String(faultAtMs), '+')) {
        if (fields[1] === 'went_offline' && living.has(fields[3]!)) flapped++;
      }
    }
    return {
      promotionMs: Math.round(promotedAt - faultAt),
      servedAgainMs: Math.round(healedAt - faultAt),
      merchants: { onFailedShard: onVictim.size, onHealthyShards: MERCHANTS - onVictim.size },
      failedShard: { calls: failed.length, errors: errors(failed), latencyMs: latencies(failed), over1s: failed.filter((c) => c.at - c.startedAt >= 1_000).length },
      healthyShards: { calls: healthy.length, errors: errors(healthy), latencyMs: latencies(healthy), over1s: healthy.filter((c) => c.at - c.startedAt >= 1_000).length },
      livingPagesFlappedOffline: flapped,
    };
  };

  const killVictim = await cluster.masterOf(merchants[0]!.slotKey);
  const killed = await loseMaster(killVictim, () => void killVictim.stop('SIGKILL'));
  // Another shard, which still has its replica.
  let frozenVictim: EmbeddedRedis | undefined;
  for (const m of merchants) {
    const master = await cluster.masterOf(m.slotKey);
    if (/connected_slaves:[1-9]/.test(await replication(master))) frozenVictim = master;
  }
  const pid = frozenVictim!.pid!;
  let resumedAt = 0;
  const frozen = await loseMaster(frozenVictim!, () => process.kill(pid, 'SIGSTOP'), () => {
    process.kill(pid, 'SIGCONT');
    resumedAt = performance.now();
  });
  // Resumed, the old master learns it was replaced and follows its replica.
  let rejoinedMs: number | null = null;
  for (let i = 0; i < 200 && rejoinedMs === null; i++) {
    if ((await replication(frozenVictim!)).includes('role:slave')) rejoinedMs = Math.round(performance.now() - resumedAt);
    else await sleep(50);
  }

  running = false;
  await traffic;
  await sleep(2_000);
  let missed = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const { tenant, board, from } of boards) {
    const want = (await redis.xrange(keys.stream(tenantPrefix(tenant)), `(${from}`, '+')).map(([id]) => id);
    const seen = new Set<string>();
    for (const id of board.ids) {
      if (seen.has(id)) duplicated++;
      seen.add(id);
    }
    missed += missedBy(board, want).length;
    for (let i = 1; i < board.ids.length; i++) if (idMs(board.ids[i]!) < idMs(board.ids[i - 1]!)) outOfOrder++;
    board.close();
  }
  let lost = 0;
  for (const { tenant, id } of accepted) if ((await redis.exists(keys.session(tenantPrefix(tenant), id))) === 0) lost++;

  for (const page of pages) page.close();
  for (const node of nodes) await node.kill('SIGKILL');
  redis.disconnect();
  await cluster.stop();
  return {
    settings: { masters: 3, replicas: 3, clusterNodeTimeoutMs: options.clusterNodeTimeoutMs, nodes: 3, merchants: MERCHANTS, pages: options.pages },
    killed,
    frozen: { ...frozen, rejoinedAsReplicaMs: rejoinedMs },
    boards: { count: boards.length, eventsMissed: missed, eventsDuplicated: duplicated, outOfOrder, snapshotsAfterOpening: boards.reduce((n, b) => n + b.board.snapshots - 1, 0) },
    acceptedCreates: { total: accepted.length, lost },
  };
}
