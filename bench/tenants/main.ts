import { fork, type ChildProcess } from 'node:child_process';
import { paced } from '../paced.js';
import { BENCH_NODE_ENV } from '../bench-env.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../../server/clock.js';
import { connectRedis, type RedisClient } from '../../server/redis/connect.js';
import { startRedisServer } from '../../server/redis/embedded.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { ClientSecrets } from '../../server/store/client-secrets.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { LifecycleStore } from '../../server/store/lifecycle-store.js';
import { registerScripts } from '../../server/store/scripts.js';
import { SessionStore } from '../../server/store/sessions-store.js';
import { reply } from '../child-reply.js';
import type { ServerCommand, ServerReply } from '../heartbeat/child-server.js';
import type { LoadCommand, LoadReply } from '../heartbeat/load.js';
import type { BoardsCommand, BoardsReply } from './boards.js';
import { createSessionBody } from '../../shared/session.js';

/**
 * What a node costs as merchants multiply, on one Redis. Prints one JSON document.
 *   1. pages: N merchants with one live page each on one node: the node's Redis connections, RSS
 *      per page, connect rate;
 *   2. idle: M merchants with idle sessions: Redis commands/s and CPU when nothing happens; then
 *      clean close -> offline and silent death (a node killed with SIGKILL) -> offline, timed by
 *      the offline event's stream id;
 *   3. board: change-to-socket latency (stream append to a board's socket) at R changes/s spread
 *      over B merchants, one board each, and whether every board got its events once, in order.
 *   npm run bench -- tenants [--pages 10000] [--idle 100000] [--boards 1000] [--rate 1000]
 *     [--timeout 10000] [--grace 5000] [--window 10000] [--pages-only] [--snapshots DIR]
 * `--pages-only` stops after the first part; `--snapshots DIR` writes each node's heap snapshot
 * with its pages live (one merchant, then many) to compare what a merchant costs.
 */
const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '10000' },
    idle: { type: 'string', default: '100000' },
    boards: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    timeout: { type: 'string', default: '10000' },
    grace: { type: 'string', default: '5000' },
    window: { type: 'string', default: '10000' },
    'pages-only': { type: 'boolean', default: false },
    snapshots: { type: 'string' },
  },
});
const PAGED = Number(values.pages);
const IDLE = Math.max(Number(values.idle), PAGED);
const BOARDS = Number(values.boards);
const CHANGE_RATE = Number(values.rate);
const TIMEOUT_MS = Number(values.timeout);
const GRACE_MS = Number(values.grace);
const WINDOW_MS = Number(values.window);
const PROBES = 100;
/** Every bench session alike: what it is does not matter, only that it lives. */
const BENCH_SESSION = createSessionBody.parse({ totalAmount: 1000, currency: 'BRL', product: { name: 'Bench' }, domainHost: 'bench.example', language: 'en' });

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const merchant = (i: number): Tenant => ({ merchantId: `bench_${i}`, mode: 'test' });

function spawnChild(file: string, env: Record<string, string> = {}): ChildProcess {
  return fork(file, [], { execArgv: ['--import', 'tsx', '--expose-gc'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function ask<T extends { type: string }>(child: ChildProcess, command: ServerCommand | LoadCommand | BoardsCommand, type: T['type']): Promise<T> {
  const answer = reply<T>(child, type);
  child.send(command);
  return answer;
}

type Stats = Extract<ServerReply, { type: 'stats' }>;

async function startNodeChild(redisUrl: string, nodeId: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawnChild(here('./node.ts'), {
    REDIS_URL: redisUrl, NODE_ID: nodeId, PRESENCE_TIMEOUT_MS: String(TIMEOUT_MS), OFFLINE_GRACE_MS: String(GRACE_MS),
    HEARTBEAT_INTERVAL_MS: String(Math.min(10_000, Math.floor(TIMEOUT_MS / 3))), ...BENCH_NODE_ENV,
  });
  const { port } = await reply<Extract<ServerReply, { type: 'ready' }>>(child, 'ready');
  return { child, port };
}

async function stopChild(child: ChildProcess, command: ServerCommand | LoadCommand | BoardsCommand = { type: 'stop' }): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.send(command);
  await exited;
}

async function nodeConnections(redis: RedisClient, nodeId: string): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(`name=checkout-pulse:${nodeId}:`)).length;
}

async function redisCounters(redis: RedisClient) {
  const stats = await redis.info('commandstats');
  let calls = 0;
  for (const match of stats.matchAll(/calls=(\d+)/g)) calls += Number(match[1]);
  const cpu = await redis.info('cpu');
  const seconds = Number(/used_cpu_user:([\d.]+)/.exec(cpu)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(cpu)?.[1] ?? 0);
  return { calls, cpuSeconds: seconds };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** Milliseconds from `since` to each tenant's first `went_offline` after it, waiting up to `limitMs`. */
async function offlineDelays(redis: RedisClient, tenants: Tenant[], since: number, limitMs: number): Promise<{ delays: number[]; missing: number }> {
  const delays = new Map<string, number>();
  const deadline = Date.now() + limitMs;
  while (delays.size < tenants.length && Date.now() < deadline) {
    for (const tenant of tenants) {
      if (delays.has(tenant.merchantId)) continue;
      const entries = await redis.xrange(keys.stream(tenantPrefix(tenant)), String(since), '+');
      const offline = entries.find(([, fields]) => fields[1] === 'went_offline');
      if (offline) delays.set(tenant.merchantId, Number(offline[0].split('-')[0]) - since);
    }
    await sleep(100);
  }
  return { delays: [...delays.values()], missing: tenants.length - delays.size };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-tenants-'));
  const redisServer = await startRedisServer({ dir, persist: false, extraArgs: ['--maxclients', '20000'] });
  const redis = connectRedis({ url: redisServer.url });
  registerScripts(redis);
  const storeContext = { redis, clock: systemClock, streamRetain: 100_000 };
  const sessions = new SessionStore(storeContext);
  const secrets = await ClientSecrets.load(redis);
  const sessionOf: string[] = [];

  const seed = async (from: number, to: number) => {
    for (let i = from; i < to; i += 500) {
      const batch = await Promise.all(Array.from({ length: Math.min(500, to - i) }, (_, k) =>
        sessions.create(merchant(i + k), { ...BENCH_SESSION, totalAmount: 1000 + k }, 86_400_000)));
      batch.forEach((s, k) => { sessionOf[i + k] = s.id; });
    }
  };
  const pagesFile = (name: string, from: number, to: number) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(Array.from({ length: to - from }, (_, k) => ({
      sessionId: sessionOf[from + k]!, clientSecret: secrets.issue(merchant(from + k), sessionOf[from + k]!),
    }))));
    return file;
  };

  /** N pages on a fresh node: its Redis connections, memory per page and connect rate. */
  const measurePages = async (nodeId: string, file: string) => {
    const node = await startNodeChild(redisServer.url, nodeId);
    await sleep(500);
    const empty = await ask<Stats>(node.child, { type: 'stats', gc: true }, 'stats');
    const connectionsBefore = await nodeConnections(redis, nodeId);
    const load = spawnChild(here('../heartbeat/load.ts'));
    const connectStarted = performance.now();
    const connected = await ask<Extract<LoadReply, { type: 'connected' }>>(load, { type: 'connect', url: `http://127.0.0.1:${node.port}`, pagesFile: file }, 'connected');
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    await sleep(2_000);
    const connectedStats = await ask<Stats>(node.child, { type: 'stats', gc: true }, 'stats');
    // Every page beats, as pages do at their interval.
    await ask<Extract<LoadReply, { type: 'beaten' }>>(load, { type: 'beat', ratePerSecond: Math.max(1_000, connected.pages / 5), durationMs: 5_000, ackEvery: 10 }, 'beaten');
    await sleep(2_000);
    const live = await ask<Stats>(node.child, { type: 'stats', gc: true }, 'stats');
    const connectionsWithPages = await nodeConnections(redis, nodeId);
    if (values.snapshots) await ask<Stats>(node.child, { type: 'heap-snapshot', file: join(values.snapshots, `${nodeId}.heapsnapshot`) }, 'stats');
    const perPage = (stats: Stats, field: 'rssBytes' | 'heapUsedBytes' | 'heapTotalBytes' | 'externalBytes') =>
      Math.round(((stats[field] - empty[field]) / Math.max(1, connected.pages) / 1024) * 10) / 10;
    await stopChild(load);
    return {
      node,
      figures: {
        pagesConnected: connected.pages,
        connectFailures: connected.failed,
        connectPerSecond: Math.round(connected.pages / connectSeconds),
        nodeRedisConnections: { beforePages: connectionsBefore, withPages: connectionsWithPages },
        // RSS keeps what the allocator holds after the connect burst; the JS heap after a full GC
        // is what the pages themselves hold.
        perPageKB: {
          connected: { rss: perPage(connectedStats, 'rssBytes'), heap: perPage(connectedStats, 'heapUsedBytes') },
          afterHeartbeats: { rss: perPage(live, 'rssBytes'), heap: perPage(live, 'heapUsedBytes'), heapCommitted: perPage(live, 'heapTotalBytes'), external: perPage(live, 'externalBytes') },
        },
        nodeRssMB: Math.round(live.rssBytes / 1024 / 1024),
        emptyNodeMB: { rss: Math.round(empty.rssBytes / 1024 / 1024), heapCommitted: Math.round(empty.heapTotalBytes / 1024 / 1024), heapUsed: Math.round(empty.heapUsedBytes / 1024 / 1024) },
      },
    };
  };

  // 1. The same number of pages, all of one merchant (the baseline), then one page per merchant.
  const seedStarted = performance.now();
  await seed(0, PAGED);
  const seededPerSecond = PAGED / ((performance.now() - seedStarted) / 1000);
  const oneMerchant: Tenant = { merchantId: 'bench_one', mode: 'test' };
  const onePages = await Promise.all(Array.from({ length: PAGED }, async () => {
    const session = await sessions.create(oneMerchant, BENCH_SESSION, 86_400_000);
    return { sessionId: session.id, clientSecret: secrets.issue(oneMerchant, session.id) };
  }));
  const oneFile = join(dir, 'one-merchant.json');
  writeFileSync(oneFile, JSON.stringify(onePages));
  const baseline = await measurePages('one', oneFile);
  await stopChild(baseline.node.child);
  const many = await measurePages('a', pagesFile('paged', 0, PAGED));
  const a = many.node;
  const url = `http://127.0.0.1:${a.port}`;
  const pagesPhase = {
    merchants: PAGED,
    ...many.figures,
    oneMerchantSamePages: baseline.figures,
    seededSessionsPerSecond: Math.round(seededPerSecond),
  };
  const finish = async (parts: Record<string, unknown>) => {
    process.stdout.write(`${JSON.stringify({
      benchmark: 'tenants',
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      settings: { presenceTimeoutMs: TIMEOUT_MS, offlineGraceMs: GRACE_MS, windowMs: WINDOW_MS },
      pages: pagesPhase,
      ...parts,
    }, null, 2)}\n`);
    redis.disconnect();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  if (values['pages-only']) {
    await stopChild(a.child);
    return finish({});
  }

  // 2. Many merchants with idle sessions: what Redis does when nothing happens.
  await seed(PAGED, IDLE);
  // The pages just closed go offline after the grace; then nothing is due for half an hour.
  await sleep(GRACE_MS + 3_000);
  const before = await redisCounters(redis);
  await sleep(WINDOW_MS);
  const after = await redisCounters(redis);
  const seconds = WINDOW_MS / 1000;
  const idlePhase = {
    merchants: IDLE,
    // Less this bench's own two INFO calls per reading.
    redisCommandsPerSecond: Math.round((after.calls - before.calls - 4) / seconds),
    redisCpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / seconds) * 1000) / 10,
  };

  // Clean close: pages of idle merchants open and close on node a.
  const closers = Array.from({ length: PROBES }, (_, k) => PAGED + k).filter((i) => i < IDLE);
  const closeLoad = spawnChild(here('../heartbeat/load.ts'));
  await ask(closeLoad, { type: 'connect', url, pagesFile: pagesFile('closers', closers[0]!, closers.at(-1)! + 1) }, 'connected');
  await sleep(2_000);
  const closedAt = Date.now();
  await stopChild(closeLoad);
  const clean = await offlineDelays(redis, closers.map(merchant), closedAt, GRACE_MS + 10_000);

  // Silent death: node b holds pages and is killed with SIGKILL; node a's sweep finds the leases.
  const b = await startNodeChild(redisServer.url, 'b');
  const dying = Array.from({ length: PROBES }, (_, k) => PAGED + PROBES + k).filter((i) => i < IDLE);
  const deathLoad = spawnChild(here('../heartbeat/load.ts'));
  await ask(deathLoad, { type: 'connect', url: `http://127.0.0.1:${b.port}`, pagesFile: pagesFile('dying', dying[0]!, dying.at(-1)! + 1) }, 'connected');
  await sleep(2_000);
  const killedAt = Date.now();
  b.child.kill('SIGKILL');
  const silent = await offlineDelays(redis, dying.map(merchant), killedAt, TIMEOUT_MS + 10_000);
  await stopChild(deathLoad);

  // 3. Change-to-socket at a steady rate of changes spread over many merchants, one board each.
  const tokens = new BoardTokenStore(redis, systemClock);
  const cookies: string[] = [];
  for (let i = 0; i < BOARDS; i += 50) {
    cookies.push(...await Promise.all(Array.from({ length: Math.min(50, BOARDS - i) }, async (_, k) => {
      const token = await tokens.create(merchant(i + k));
      const res = await fetch(`${url}/board?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
      return res.headers.get('set-cookie')?.split(';')[0] ?? '';
    })));
  }
  const cookiesFile = join(dir, 'cookies.json');
  writeFileSync(cookiesFile, JSON.stringify(cookies));
  const boards = spawnChild(here('./boards.ts'));
  const opened = await ask<Extract<BoardsReply, { type: 'opened' }>>(boards, { type: 'open', url, cookiesFile }, 'opened');
  const lifecycle = new LifecycleStore(storeContext);
  const methods = ['pix', 'credit_card'] as const;
  let failed = 0;
  // Changes so far: each session's method alternates across drives too, so every change writes an
  // event (a repeat that changes nothing is not written).
  let changes = 0;
  /** Changes at the steady rate for a while, once every one was written; resolves with how many. */
  const drive = async (durationMs: number): Promise<number> => {
    const inFlight: Array<Promise<unknown>> = [];
    const made = await paced(CHANGE_RATE, durationMs, () => {
      const n = changes++;
      const i = n % BOARDS;
      const method = methods[Math.floor(n / BOARDS) % 2]!;
      inFlight.push(lifecycle.applyEvent(merchant(i), sessionOf[i]!, { type: 'payment_method_selected', method }).catch(() => void failed++));
    }, 5);
    await Promise.all(inFlight);
    return made;
  };
  await drive(2_000);
  boards.send({ type: 'measure', on: true } satisfies BoardsCommand);
  const sent = await drive(WINDOW_MS);
  await sleep(1_000);
  const measured = await ask<Extract<BoardsReply, { type: 'measured' }>>(boards, { type: 'measure', on: false }, 'measured');
  const boardPhase = {
    merchants: BOARDS,
    boards: opened.boards,
    changesPerSecond: CHANGE_RATE,
    changesSent: sent,
    changesRefused: failed,
    eventsReceived: measured.fromStreamMs.length,
    outOfOrder: measured.outOfOrder,
    duplicates: measured.duplicates,
    changeToSocketMs: summary(measured.fromStreamMs),
  };
  await stopChild(boards);
  await stopChild(a.child);

  return finish({
    idle: {
      ...idlePhase,
      cleanCloseToOfflineMs: { ...summary(clean.delays), missing: clean.missing, bound: GRACE_MS + 1_000 },
      silentDeathToOfflineMs: { ...summary(silent.delays), missing: silent.missing, bound: TIMEOUT_MS },
    },
    board: boardPhase,
  });
}

await main();
