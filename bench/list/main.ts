import { mkdtempSync, rmSync } from 'node:fs';
import { BENCH_NODE_ENV } from '../bench-env.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createAppContext } from '../../server/create-app-context.js';
import { createLogger } from '../../server/log.js';
import type { RedisClient } from '../../server/redis/connect.js';
import { startRedisServer } from '../../server/redis/embedded.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { IMPORT_BATCH, SessionImporter, type ImportRecord } from '../../server/store/import/session-import.js';
import { rng } from '../../test/helpers/rng.js';
import { CUSTOMER_POOL, HOSTS, makeSession, toImportRecord } from './data.js';
import { verifyAtScale } from './verify.js';

/**
 * List Sessions at scale: seeds one tenant with `--sessions` (default 1,000,000) and as many again
 * over `--tenants` other tenants (created only; the main tenant's sessions also go through up to two
 * lifecycle writes each: visit, then payment/abandon/expiry), then measures p50/p99 of query shapes through the real HTTP
 * endpoint, Redis memory per session and the seeding rate. Prints JSON.
 */
const arg = (name: string, fallback: number) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
};
const SESSIONS = arg('sessions', 1_000_000);
const OTHERS = arg('others', SESSIONS);
const TENANTS = arg('tenants', 100);
const SAMPLES = arg('samples', 500);
const SPAN_DAYS = 90;
const IN_FLIGHT = 4;
const NOW = Date.UTC(2026, 5, 8, 12);
const DAY = 86_400_000;

if (process.argv.includes('--verify')) {
  console.log(JSON.stringify(await verifyAtScale(arg('sessions', 100_000))));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'cp-bench-list-'));
const server = await startRedisServer({ dir, persist: false });
// Seeding runs the importer as the CLI does, whose connection has no command timeout: a batch may
// take longer than a serving node's 750 ms on a busy machine, which is no failure here.
const config = loadConfig({ LOG_LEVEL: 'silent', REDIS_URL: server.url, ...BENCH_NODE_ENV, REDIS_COMMAND_TIMEOUT_MS: '60000' });
const ctx = await createAppContext(config, { redisUrl: server.url, logger: createLogger('silent'), clock: { now: () => NOW } });
const app = buildApp(ctx, { background: false });
const port = await app.listen(0, '127.0.0.1');
const redis = ctx.redis;
const importer = new SessionImporter(ctx.storeContext, config.abandonAfterMs);

async function usedMemory(): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/** Imports `count` sessions (a few workers, a batch per call), then connects a page to each still online. */
async function seedTenant(tenant: Tenant, count: number, seed: number, lifecycle = true): Promise<void> {
  const prefix = tenantPrefix(tenant);
  const r = rng(seed);
  const online: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + IMPORT_BATCH);
      const batch: ImportRecord[] = [];
      for (let i = from; i < next; i++) {
        const session = makeSession(r, i, count, NOW, SPAN_DAYS);
        if (!lifecycle) session.changes = [];
        else if (session.online) online.push(session.id);
        batch.push(toImportRecord(session));
      }
      await importer.import(tenant, batch);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  for (let i = 0; i < online.length; i += 500) {
    await Promise.all(online.slice(i, i + 500).map((id, k) => ctx.presence.connect(prefix, id, `bench-${i + k}`)));
  }
}

async function memoryOfPattern(client: RedisClient, pattern: string): Promise<{ keys: number; bytes: number }> {
  let cursor = '0';
  let bytes = 0;
  let count = 0;
  do {
    const [nextCursor, found] = await (client as RedisClient & { scan(c: string, ...a: Array<string | number>): Promise<[string, string[]]> })
      .scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = nextCursor;
    const sizes = await Promise.all(found.map((k) => client.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') as Promise<number | null>));
    for (const size of sizes) bytes += size ?? 0;
    count += found.length;
  } while (cursor !== '0');
  return { keys: count, bytes };
}

// --- seeding -------------------------------------------------------------------------------
const main: Tenant = { merchantId: 'bench-main', mode: 'live' };
const mainPrefix = tenantPrefix(main);
/** Redis's own CPU seconds (user + system), to show where seeding time goes. */
async function redisCpuSeconds(): Promise<number> {
  const info = await redis.info('cpu');
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
}
const memStart = await usedMemory();
const redisCpuStart = await redisCpuSeconds();
const nodeCpuStart = process.cpuUsage();
const seedStart = performance.now();
await seedTenant(main, SESSIONS, 1);
const mainSeconds = (performance.now() - seedStart) / 1000;
const memMain = await usedMemory();
const othersStart = performance.now();
for (let t = 0; t < TENANTS; t++) {
  await seedTenant({ merchantId: `bench-other-${t}`, mode: t % 2 ? 'test' : 'live' }, Math.floor(OTHERS / TENANTS), 1000 + t, false);
}
const othersSeconds = (performance.now() - othersStart) / 1000;
const redisCpuSeeding = (await redisCpuSeconds()) - redisCpuStart;
const nodeCpu = process.cpuUsage(nodeCpuStart);
const memAll = await usedMemory();

const indexMemory = await memoryOfPattern(redis, `${mainPrefix}i:*`);
const someMembers = (await redis.call('ZRANDMEMBER', `${mainPrefix}i:order`, '500')) as string[];
const hashBytes = await Promise.all(someMembers.map((m) => redis.call('MEMORY', 'USAGE', keys.session(mainPrefix, `sess_${m.slice(0, 20)}`)) as Promise<number>));
const timelineBytes = await Promise.all(someMembers.map((m) => redis.call('MEMORY', 'USAGE', keys.timeline(mainPrefix, `sess_${m.slice(0, 20)}`)) as Promise<number>));
const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const streamBytes = (await redis.call('MEMORY', 'USAGE', keys.stream(mainPrefix), 'SAMPLES', '0')) as number;
const expireBytes = (await redis.call('MEMORY', 'USAGE', keys.due(mainPrefix, 'expire'), 'SAMPLES', '0')) as number;

// --- latency -------------------------------------------------------------------------------
// Queries are measured on a settled system: the seeding's garbage collected in this process (which
// also serves the API), and Redis given a moment to finish resizing its keyspace.
(globalThis as { gc?: () => void }).gc?.();
await new Promise((resolve) => setTimeout(resolve, 3_000));
const key = await ctx.apiKeys.create(main.merchantId, 'live');
const base = `http://127.0.0.1:${port}/v1/checkouts/sessions`;
const r = rng(7);
const day = () => new Date(NOW - r.int(1, SPAN_DAYS - 1) * DAY).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

const shapes: Array<[string, () => string]> = [
  ['no filter', () => ''],
  ['no filter, ascending', () => 'sort=ascending'],
  ['offset 10,000', () => 'offset=10000'],
  ['offset 100,000', () => 'offset=100000'],
  ['status=failed', () => 'status=failed'],
  ['online=true', () => 'online=true'],
  ['daterange + status', () => `daterange=${day()}&status=completed`],
  ['three filters', () => 'status=completed&source=payment_link&language=pt-BR'],
  ['amount range', () => 'totalAmountGte=10000&totalAmountLte=20000'],
  ['rare customerId', () => `customerId=cus_${r.int(1, CUSTOMER_POOL)}`],
  ['domainHost', () => `domainHost=${r.pick(HOSTS)}`],
  ['language=es', () => 'language=es'],
  ['method + status', () => 'paymentmethodselected=pix&status=failed'],
  ['recent visitors', () => `lastVisitAtGte=${iso(NOW - 3_600_000)}`],
  ['updated last day', () => `updatedAtGte=${iso(NOW - DAY)}`],
  ['expiring in a week window', () => `expiresAtGte=${iso(NOW - 10 * DAY)}&expiresAtLte=${iso(NOW - 3 * DAY)}`],
  ['renewed', () => 'renewalCountGte=1'],
  ['recovery sent + abandoned', () => 'recoverySent=true&status=abandoned'],
  ['attempts >= 3', () => 'attemptcountgte=3'],
  ['integrationType', () => 'integrationType=woocommerce'],
  ['status=completed offset 10,000', () => 'status=completed&offset=10000'],
  ['limit 100, two filters', () => 'limit=100&status=active&online=false'],
];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const latency: Array<Record<string, unknown>> = [];
for (const [name, query] of shapes) {
  const times: number[] = [];
  let total = 0;
  let plan = '';
  for (let i = 0; i < SAMPLES + 5; i++) {
    const started = performance.now();
    const res = await fetch(`${base}?${query()}`, { headers: { selectkey: key } });
    const body = (await res.json()) as { total?: number };
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
    if (i >= 5) times.push(ms);
    total = body.total ?? 0;
    plan = res.headers.get('x-list-plan') ?? '';
  }
  times.sort((a, b) => a - b);
  latency.push({ shape: name, p50Ms: +quantile(times, 0.5).toFixed(2), p99Ms: +quantile(times, 0.99).toFixed(2), lastTotal: total, plan });
}

const mainMemPerSession = (memMain - memStart) / SESSIONS;
console.log(JSON.stringify({
  redis: (await redis.info('server')).match(/redis_version:(\S+)/)?.[1],
  sessions: { mainTenant: SESSIONS, otherTenants: TENANTS, others: Math.floor(OTHERS / TENANTS) * TENANTS },
  seeding: {
    sessionsPerSecond: Math.round((SESSIONS + OTHERS) / (mainSeconds + othersSeconds)),
    mainTenantWithLifecyclePerSecond: Math.round(SESSIONS / mainSeconds),
    otherTenantsCreateOnlyPerSecond: Math.round(OTHERS / othersSeconds),
    redisCpuMicrosPerSession: Math.round((redisCpuSeeding * 1e6) / (SESSIONS + OTHERS)),
    nodeCpuMicrosPerSession: Math.round((nodeCpu.user + nodeCpu.system) / (SESSIONS + OTHERS)),
    path: 'SessionImporter (importSessions script), batches of ' + IMPORT_BATCH + ', ' + IN_FLIGHT + ' in flight',
  },
  memory: {
    bytesPerSessionMainTenant: Math.round(mainMemPerSession),
    bytesPerSessionOverall: Math.round((memAll - memStart) / (SESSIONS + Math.floor(OTHERS / TENANTS) * TENANTS)),
    breakdownMainTenantPerSession: {
      hash: avg(hashBytes),
      timeline: avg(timelineBytes),
      expiryTimer: Math.round(expireBytes / SESSIONS),
      changeStream: Math.round(streamBytes / SESSIONS),
      listIndexes: Math.round(indexMemory.bytes / SESSIONS),
      listIndexKeys: indexMemory.keys,
    },
  },
  latency,
}, null, 2));

await app.close();
ctx.redis.disconnect();
await server.stop();
rmSync(dir, { recursive: true, force: true });
