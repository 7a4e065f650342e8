import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { systemClock } from '../../server/clock.js';
import { ApiKeyStore } from '../../server/store/api-keys-store.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { startNodeProcess, type NodeProcess } from '../../test/helpers/node-process.js';
import { startTestRedis } from '../../test/helpers/redis.js';
import { BoardRecorder, missedBy } from './board-recorder.js';
import { masterFailovers } from './failover.js';
import { FleetPage } from './page-fleet.js';

/**
 * Faults on a running deployment (three nodes on one Redis with AOF every second), each measured
 * as a merchant would feel it. Prints one JSON document.
 *   kill9       a node killed with SIGKILL: its closed tabs go offline within the timeout, its
 *               living pages move to the other nodes without flapping;
 *   pause       a node stopped (SIGSTOP) past its lease, its tabs closing meanwhile, then resumed:
 *               none comes back online;
 *   rolling     every node restarted in turn (SIGTERM, start again): no page offline;
 *   redisRestart Redis killed and started again from its AOF: API errors and latency meanwhile,
 *               accepted creates lost, recovery time, pages flapping;
 *   boardOffline a board gone for a while (60 s) resumes from its last id: nothing missed or twice.
 * Boards on every node record every event id throughout; API traffic runs throughout.
 *   masterFailover on a Redis Cluster of three masters with a replica each: a master killed, then
 *               another frozen (failover.ts).
 *   npm run bench -- faults [--pages 90] [--pause-ms 20000] [--board-offline-ms 60000] [--timeout 10000]
 *     [--cluster-node-timeout 5000] [--failover-only]
 *   npm run bench -- faults --minutes 30 [--pages 3000]   (soak: RSS growth and event-loop lag)
 */
const { values } = parseArgs({
  options: {
    pages: { type: 'string' },
    'pause-ms': { type: 'string', default: '20000' },
    'board-offline-ms': { type: 'string', default: '60000' },
    timeout: { type: 'string', default: '10000' },
    minutes: { type: 'string' },
    'cluster-node-timeout': { type: 'string', default: '5000' },
    'failover-only': { type: 'boolean', default: false },
  },
});
const SOAK_MINUTES = values.minutes ? Number(values.minutes) : undefined;
const PAGES = Number(values.pages ?? (SOAK_MINUTES ? 3_000 : 90));
const TIMEOUT_MS = Number(values.timeout);
const GRACE_MS = 2_000;
const HEARTBEAT_MS = Math.floor(TIMEOUT_MS / 3);
const MERCHANTS = 3;
const NODE_ENV = {
  PRESENCE_TIMEOUT_MS: String(TIMEOUT_MS), OFFLINE_GRACE_MS: String(GRACE_MS), HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
  LOG_LEVEL: 'warn',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const idMs = (id: string) => Number(id.slice(0, id.indexOf('-')));

interface StreamEvent { id: string; kind: string; sessionId: string }

/** API traffic: creates at a steady pace through every node, recording what was accepted. */
class ApiTraffic {
  readonly accepted: Array<{ tenant: Tenant; id: string }> = [];
  statuses = new Map<number, number>();
  latencies: number[] = [];
  private running = true;
  private done: Promise<void>;

  constructor(private readonly urls: () => string[], private readonly merchants: Array<{ tenant: Tenant; key: string }>, perSecond: number) {
    this.done = (async () => {
      let i = 0;
      while (this.running) {
        const merchant = this.merchants[i % this.merchants.length]!;
        const url = this.urls()[i % this.urls().length]!;
        i++;
        const started = performance.now();
        let status: number;
        try {
          const res = await fetch(`${url}/v1/checkouts/sessions`, {
            method: 'POST', headers: { 'content-type': 'application/json', selectkey: merchant.key },
            body: JSON.stringify({ totalAmount: 1000, currency: 'BRL', domainHost: 'shop.example.org', product: { id: 'p', name: 'Plan', quantity: 1 } }),
            signal: AbortSignal.timeout(10_000),
          });
          status = res.status;
          const body = (await res.json()) as { id?: string };
          if (status === 201 && body.id) this.accepted.push({ tenant: merchant.tenant, id: body.id });
        } catch {
          status = 0;
        }
        this.latencies.push(performance.now() - started);
        this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
        await sleep(1000 / perSecond);
      }
    })();
  }

  /** Counts and latencies since the last call. */
  take() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const out = {
      requests: sorted.length,
      byStatus: Object.fromEntries([...this.statuses].map(([s, n]) => [s === 0 ? 'network' : String(s), n])),
      latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? null },
    };
    this.latencies = [];
    this.statuses = new Map();
    return out;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

const failoverRun = () => masterFailovers({
  pages: PAGES, presenceTimeoutMs: TIMEOUT_MS, heartbeatMs: HEARTBEAT_MS, clusterNodeTimeoutMs: Number(values['cluster-node-timeout']), nodeEnv: NODE_ENV,
});

async function main() {
  if (values['failover-only']) {
    const masterFailover = await failoverRun();
    process.stdout.write(`${JSON.stringify({ benchmark: 'faults', machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, masterFailover }, null, 2)}\n`);
    return;
  }
  const redisServer = await startTestRedis();
  const redis = new Redis(redisServer.url);
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < 3; i++) nodes.push(await startNodeProcess(redisServer.url, NODE_ENV));
  const urls = () => nodes.map((n) => n.url);
  // Nodes a balancer's health check has taken out: API traffic goes to the others.
  const down = new Set<number>();
  const healthyUrls = () => nodes.filter((_, i) => !down.has(i)).map((n) => n.url);
  redis.on('error', () => undefined);

  const merchants = await Promise.all(Array.from({ length: MERCHANTS }, async (_, i) => {
    const tenant: Tenant = { merchantId: `faults_${i}`, mode: 'test' };
    return { tenant, key: await new ApiKeyStore(redis, systemClock).create(tenant.merchantId, 'test') };
  }));
  const sessionTenant = new Map<string, Tenant>();
  const newPage = async (nodeIndex: number): Promise<FleetPage> => {
    const merchant = merchants[nodeIndex % MERCHANTS]!;
    const res = await fetch(`${urls()[nodeIndex % 3]}/v1/checkouts/sessions`, {
      method: 'POST', headers: { 'content-type': 'application/json', selectkey: merchant.key },
      body: JSON.stringify({ totalAmount: 4200, currency: 'BRL', domainHost: 'shop.example.org', product: { id: 'p', name: 'Plan', quantity: 1 } }),
    });
    const body = (await res.json()) as { id: string; clientSecret: string };
    sessionTenant.set(body.id, merchant.tenant);
    const page = new FleetPage({ sessionId: body.id, clientSecret: body.clientSecret }, urls, nodeIndex, HEARTBEAT_MS);
    await page.open();
    return page;
  };
  const pages: FleetPage[][] = [[], [], []];
  for (let i = 0; i < PAGES; i++) pages[i % 3]!.push(await newPage(i % 3));

  const boards: Array<{ tenant: Tenant; board: BoardRecorder; from: string }> = [];
  for (const { tenant } of merchants) {
    for (let n = 0; n < 3; n++) {
      const token = await new BoardTokenStore(redis, systemClock).create(tenant);
      const res = await fetch(`${urls()[n]}/board?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
      const board = new BoardRecorder(res.headers.get('set-cookie')!.split(';')[0]!, urls, n);
      const last = (await redis.xrevrange(keys.stream(tenantPrefix(tenant)), '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
      await board.open();
      boards.push({ tenant, board, from: last });
    }
  }
  const traffic = new ApiTraffic(healthyUrls, merchants, 10);

  const stream = async (tenant: Tenant, from = '-'): Promise<StreamEvent[]> =>
    (await redis.xrange(keys.stream(tenantPrefix(tenant)), from, '+')).map(([id, f]) => ({ id, kind: f[1]!, sessionId: f[3]! }));
  const allEvents = async (fromMs: number) => (await Promise.all(merchants.map((m) => stream(m.tenant, String(fromMs))))).flat();
  /** Offline flips in a window, of the sessions given. */
  const flipsOf = (events: StreamEvent[], sessions: Set<string>, kind: string) => events.filter((e) => sessions.has(e.sessionId) && e.kind === kind);
  const living = () => new Set(pages.flat().map((p) => p.auth.sessionId));

  const results: Record<string, unknown> = {};

  if (SOAK_MINUTES === undefined) {
    // kill -9: a third of node 0's pages die with it (they never reconnect), the rest move on.
    traffic.take();
    const deadKill = pages[0]!.splice(0, Math.floor(pages[0]!.length / 3));
    const deadKillIds = new Set(deadKill.map((p) => p.auth.sessionId));
    for (const page of deadKill) page.abandon();
    down.add(0);
    const killedAt = Date.now();
    await nodes[0]!.kill('SIGKILL');
    await sleep(TIMEOUT_MS + 3_000);
    let events = await allEvents(killedAt);
    const killDelays = flipsOf(events, deadKillIds, 'went_offline').map((e) => idMs(e.id) - killedAt).sort((a, b) => a - b);
    results.kill9 = {
      deadPages: deadKillIds.size,
      deadPagesOffline: killDelays.length,
      deadPageOfflineDelayMs: { p50: percentile(killDelays, 50), max: killDelays.at(-1) ?? null, bound: TIMEOUT_MS },
      livingPagesFlappedOffline: flipsOf(events, living(), 'went_offline').length,
      api: traffic.take(),
    };
    nodes[0] = await startNodeProcess(redisServer.url, NODE_ENV);
    down.delete(0);

    // SIGSTOP past the lease: node 1's tabs close while it is frozen.
    await sleep(3_000);
    traffic.take();
    const deadPause = pages[1]!.splice(0, Math.floor(pages[1]!.length / 2));
    const deadIds = new Set(deadPause.map((p) => p.auth.sessionId));
    const stoppedAt = Date.now();
    down.add(1);
    nodes[1]!.child.kill('SIGSTOP');
    for (const page of deadPause) page.close();
    await sleep(Number(values['pause-ms']));
    nodes[1]!.child.kill('SIGCONT');
    down.delete(1);
    await sleep(TIMEOUT_MS);
    events = await allEvents(stoppedAt);
    const offlineDelays = flipsOf(events, deadIds, 'went_offline').map((e) => idMs(e.id) - stoppedAt).sort((a, b) => a - b);
    results.pause = {
      pausedMs: Number(values['pause-ms']),
      closedTabs: deadIds.size,
      closedTabsOffline: offlineDelays.length,
      closedTabOfflineDelayMs: { p50: percentile(offlineDelays, 50), max: offlineDelays.at(-1) ?? null, bound: TIMEOUT_MS },
      closedTabsBackOnline: flipsOf(events, deadIds, 'came_back').length,
      livingPagesFlappedOffline: flipsOf(events, living(), 'went_offline').length,
      api: traffic.take(),
    };

    // Rolling restart: SIGTERM (drain) each node in turn, start it again, wait until it listens.
    traffic.take();
    const rollingFrom = Date.now();
    for (let i = 0; i < 3; i++) {
      // The balancer drains it first (its /readyz answers 503 while it drains).
      down.add(i);
      await nodes[i]!.kill('SIGTERM');
      nodes[i] = await startNodeProcess(redisServer.url, NODE_ENV);
      down.delete(i);
      await sleep(2_000);
    }
    await sleep(TIMEOUT_MS);
    events = await allEvents(rollingFrom);
    results.rollingRestart = { livingPagesFlappedOffline: flipsOf(events, living(), 'went_offline').length, api: traffic.take() };

    // Redis restart from its AOF.
    traffic.take();
    const acceptedBefore = traffic.accepted.length;
    const redisDownAt = Date.now();
    await redisServer.restart({ hard: true, downMs: 3_000 });
    const redisUpAt = Date.now();
    let recoveredAt: number | undefined;
    for (let i = 0; i < 200 && recoveredAt === undefined; i++) {
      const res = await fetch(`${urls()[0]}/readyz`).catch(() => undefined);
      if (res?.status === 200) recoveredAt = Date.now();
      else await sleep(50);
    }
    await sleep(TIMEOUT_MS);
    events = await allEvents(redisDownAt);
    results.redisRestart = {
      downMs: redisUpAt - redisDownAt,
      readyAfterRedisUpMs: recoveredAt === undefined ? null : recoveredAt - redisUpAt,
      livingPagesFlappedOffline: flipsOf(events, living(), 'went_offline').length,
      acceptedDuringOutageWindow: traffic.accepted.length - acceptedBefore,
      api: traffic.take(),
    };

    // A board away for a while resumes from its last id.
    const away = boards[0]!.board;
    away.goOffline();
    await sleep(Number(values['board-offline-ms']));
    await away.back();
    results.boardOffline = { offlineMs: Number(values['board-offline-ms']), resumed: away.resumes > 0, snapshotsTaken: away.snapshots };
  } else {
    // Soak: steady traffic; RSS of every node and /healthz latency (the event loop's lag and more).
    const rss = (pid: number) => import('node:fs').then((fs) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
    const first = await Promise.all(nodes.map((n) => rss(n.child.pid!)));
    const healthz: number[] = [];
    const until = Date.now() + SOAK_MINUTES * 60_000;
    const samples: Array<{ minute: number; rssMB: number[] }> = [];
    while (Date.now() < until) {
      for (const url of urls()) {
        const started = performance.now();
        await fetch(`${url}/healthz`);
        healthz.push(performance.now() - started);
      }
      if (samples.length === 0 || Date.now() - until + SOAK_MINUTES * 60_000 >= samples.length * 60_000) {
        samples.push({ minute: samples.length, rssMB: await Promise.all(nodes.map((n) => rss(n.child.pid!))) });
      }
      await sleep(1_000);
    }
    const last = await Promise.all(nodes.map((n) => rss(n.child.pid!)));
    healthz.sort((a, b) => a - b);
    results.soak = {
      minutes: SOAK_MINUTES,
      pages: PAGES,
      rssMB: { first, last, growthMB: last.map((v, i) => Math.round((v - first[i]!) * 10) / 10) },
      healthzMs: { p50: percentile(healthz, 50), p99: percentile(healthz, 99), max: healthz.at(-1) ?? null },
      samples,
      api: traffic.take(),
    };
  }

  await traffic.stop();
  await sleep(2_000);
  // Every board against its tenant's stream: the ids after it opened, once and in order.
  const boardFigures = [];
  for (const { tenant, board, from } of boards) {
    const want = (await stream(tenant, `(${from}`)).map((e) => e.id);
    const got = board.ids;
    const seen = new Set<string>();
    let duplicates = 0;
    for (const id of got) {
      if (seen.has(id)) duplicates++;
      seen.add(id);
    }
    const missing = missedBy(board, want).length;
    let outOfOrder = 0;
    for (let i = 1; i < got.length; i++) if (idMs(got[i]!) < idMs(got[i - 1]!)) outOfOrder++;
    boardFigures.push({ events: want.length, missing, duplicates, outOfOrder, snapshots: board.snapshots });
    board.close();
  }
  // Accepted creates all there after everything.
  let lost = 0;
  for (const { tenant, id } of traffic.accepted) {
    if ((await redis.exists(keys.session(tenantPrefix(tenant), id))) === 0) lost++;
  }
  for (const page of pages.flat()) page.close();
  for (const node of nodes) await node.kill('SIGKILL');
  redis.disconnect();
  await redisServer.stop();
  // The same faults' Cluster counterpart, on a deployment of its own.
  const masterFailover = SOAK_MINUTES === undefined ? await failoverRun() : undefined;
  process.stdout.write(`${JSON.stringify({
    benchmark: 'faults',
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: { nodes: 3, pages: PAGES, merchants: MERCHANTS, presenceTimeoutMs: TIMEOUT_MS, offlineGraceMs: GRACE_MS, heartbeatMs: HEARTBEAT_MS },
    ...results,
    boards: {
      count: boardFigures.length,
      eventsMissed: boardFigures.reduce((s, b) => s + b.missing, 0),
      eventsDuplicated: boardFigures.reduce((s, b) => s + b.duplicates, 0),
      outOfOrder: boardFigures.reduce((s, b) => s + b.outOfOrder, 0),
      perBoard: boardFigures,
    },
    acceptedCreates: { total: traffic.accepted.length, lost },
    ...(masterFailover ? { masterFailover } : {}),
  }, null, 2)}\n`);
}

await main();
