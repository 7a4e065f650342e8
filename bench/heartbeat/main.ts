import { fork, type ChildProcess } from 'node:child_process';
import { BENCH_NODE_ENV } from '../bench-env.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { systemClock } from '../../server/clock.js';
import { reply } from '../child-reply.js';
import { connectRedis, type RedisClient } from '../../server/redis/connect.js';
import { startRedisServer } from '../../server/redis/embedded.js';
import { ClientSecrets } from '../../server/store/client-secrets.js';
import { registerScripts } from '../../server/store/scripts.js';
import { SessionStore } from '../../server/store/sessions-store.js';
import { createSessionBody } from '../../shared/session.js';
import type { ServerCommand, ServerReply } from './child-server.js';
import type { LoadCommand, LoadReply } from './load.js';

/**
 * Heartbeat ingestion, side by side: (a) Socket.IO acking and doing nothing, (b) the peer a user
 * would write (HSET + EXPIRE awaited per heartbeat), (c) Checkout Pulse. The pages run in a
 * separate process. Prints one JSON document.
 *   npm run bench -- heartbeat [--clients 1000,5000] [--rate 4000] [--duration 10000] [--variants a,b,c]
 * `--mode saturate` offers heartbeats as the beacon sends them (no ack; one in `--ack-every` asks for
 * one, to close the loop) as fast as each server takes them, and compares heartbeats per server
 * CPU-second. Both servers run side by side and are measured in turn, `--rounds` times in
 * alternating order, so a neighbour's load on the machine falls on both alike:
 *   npm run bench -- heartbeat --mode saturate [--clients 1000] [--rounds 5] [--duration 5000] [--lanes 100] [--ack-every 10] [--variants a,c] [--together] [--tuned-bare]
 * `--tuned-bare` gives the bare Socket.IO server the garbage-collector setting Checkout Pulse runs
 * with (server/gc-tuning.ts), to compare the two on equal terms as well as against Socket.IO as is.
 * `--together` saturates all servers at once instead of in turns: on a machine busy with other
 * work, both then see the same neighbours at every moment (each still has its own pages' process).
 * BENCH_CPU_PROFILE_DIR=dir writes CPU profiles (BENCH_CPU_PROFILE_INTERVAL_US sets the sampling
 * interval): of each whole child in the fixed mode, of the servers' measured phases when saturating.
 */
const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000,5000' },
    rate: { type: 'string', default: '4000' },
    duration: { type: 'string', default: '10000' },
    variants: { type: 'string' },
    mode: { type: 'string', default: 'fixed' },
    rounds: { type: 'string', default: '5' },
    lanes: { type: 'string', default: '100' },
    'ack-every': { type: 'string', default: '10' },
    together: { type: 'boolean', default: false },
    'tuned-bare': { type: 'boolean', default: false },
  },
});
const saturation = values.mode === 'saturate';
if (!saturation && values.mode !== 'fixed') throw new Error(`--mode is fixed or saturate, not ${values.mode}`);
const clientCounts = values.clients.split(',').map(Number);
const ratePerSecond = Number(values.rate);
const durationMs = Number(values.duration);
const variants = (values.variants ?? (saturation ? 'a,c' : 'a,b,c')).split(',') as Array<'a' | 'b' | 'c'>;
const rounds = Number(values.rounds);
const lanes = Number(values.lanes);
const ackEvery = Number(values['ack-every']);
const together = values.together;
const tunedBare = values['tuned-bare'];

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const SERVERS = {
  a: { name: 'socket.io, heartbeats ignored', file: here('./server-bare.ts') },
  b: { name: 'socket.io + ioredis, HSET + EXPIRE awaited per heartbeat', file: here('./server-naive.ts') },
  c: { name: 'checkout pulse', file: here('./server-ours.ts') },
} as const;

// The saturation mode profiles its servers' measured phases only, over the inspector (child-server.ts).
const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
const profileIntervalMicros = Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? 1000);

function spawnChild(file: string, env: Record<string, string>): ChildProcess {
  const profile = profileDir && !saturation ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  if (profile.length) profile.push(`--cpu-prof-interval=${profileIntervalMicros}`);
  return fork(file, [], { execArgv: ['--import', 'tsx', '--expose-gc', ...profile], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function ask<T extends { type: string }>(child: ChildProcess, command: ServerCommand | LoadCommand, type: T['type']): Promise<T> {
  const answer = reply<T>(child, type);
  child.send(command);
  return answer;
}

async function redisStats(redis: RedisClient) {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/calls=(\d+)/g)) calls += Number(match[1]);
  const cpu = await redis.info('cpu');
  const user = Number(/used_cpu_user:([\d.]+)/.exec(cpu)?.[1] ?? 0);
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(cpu)?.[1] ?? 0);
  return { calls, cpuSeconds: user + sys };
}

const MONITOR_PHASE_MS = 3_000;
/** Every bench session alike: what it is does not matter, only that it lives. */
const BENCH_SESSION = createSessionBody.parse({ totalAmount: 1000, currency: 'BRL', product: { name: 'Bench' }, domainHost: 'bench.example', language: 'en' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-hb-'));
  const redisServer = await startRedisServer({ dir, persist: false });
  const redis = connectRedis({ url: redisServer.url });
  registerScripts(redis);
  const tenant = { merchantId: 'bench', mode: 'test' as const };
  const sessions = new SessionStore({ redis, clock: systemClock, streamRetain: 100_000 });
  const secrets = await ClientSecrets.load(redis);
  const maxClients = Math.max(...clientCounts);
  const pages: Array<{ sessionId: string; clientSecret: string }> = [];
  for (let i = 0; i < maxClients; i += 500) {
    const batch = await Promise.all(Array.from({ length: Math.min(500, maxClients - i) }, () =>
      sessions.create(tenant, BENCH_SESSION, 86_400_000)));
    for (const s of batch) pages.push({ sessionId: s.id, clientSecret: secrets.issue(tenant, s.id) });
  }

  if (saturation) {
    await saturate(dir, redisServer.url, pages);
  } else {
    await fixedLoad(dir, redis, redisServer.url, pages);
  }

  redis.disconnect();
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function fixedLoad(dir: string, redis: RedisClient, redisUrl: string, pages: unknown[]) {
  const runs = [];
  for (const clients of clientCounts) {
    const pagesFile = join(dir, `pages-${clients}.json`);
    writeFileSync(pagesFile, JSON.stringify(pages.slice(0, clients)));
    for (const variant of variants) {
      const server = spawnChild(SERVERS[variant].file, { REDIS_URL: redisUrl, ...BENCH_NODE_ENV });
      const { port } = await reply<Extract<ServerReply, { type: 'ready' }>>(server, 'ready');
      await sleep(500);
      const empty = await ask<Extract<ServerReply, { type: 'stats' }>>(server, { type: 'stats', gc: true }, 'stats');
      const load = spawnChild(here('./load.ts'), {});
      const connected = await ask<Extract<LoadReply, { type: 'connected' }>>(load, { type: 'connect', url: `http://127.0.0.1:${port}`, pagesFile }, 'connected');
      await sleep(2_000);
      const idle = await ask<Extract<ServerReply, { type: 'stats' }>>(server, { type: 'stats', gc: true }, 'stats');

      const redisBefore = await redisStats(redis);
      const cpuBefore = await ask<Extract<ServerReply, { type: 'stats' }>>(server, { type: 'stats' }, 'stats');
      const beaten = await ask<Extract<LoadReply, { type: 'beaten' }>>(load, { type: 'beat', ratePerSecond, durationMs }, 'beaten');
      const cpuAfter = await ask<Extract<ServerReply, { type: 'stats' }>>(server, { type: 'stats' }, 'stats');
      const redisAfter = await redisStats(redis);
      const redisCalls = redisAfter.calls - redisBefore.calls;

      // Round trips, in a second, shorter phase: MONITOR slows Redis and costs this process CPU,
      // so it must not overlap the timed phase. Commands a script runs are marked `lua`.
      const monitorBase = new Redis(redisUrl);
      const monitor = await monitorBase.monitor();
      let roundTrips = 0;
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua') roundTrips++;
      });
      const counted = await ask<Extract<LoadReply, { type: 'beaten' }>>(load, { type: 'beat', ratePerSecond, durationMs: MONITOR_PHASE_MS }, 'beaten');
      monitor.disconnect();
      monitorBase.disconnect();
      const serverCpuSeconds = (cpuAfter.cpuMicros - cpuBefore.cpuMicros) / 1e6;

      load.send({ type: 'stop' } satisfies LoadCommand);
      server.send({ type: 'stop' } satisfies ServerCommand);
      await Promise.all([new Promise((r) => load.once('exit', r)), new Promise((r) => server.once('exit', r))]);

      runs.push({
        variant,
        server: SERVERS[variant].name,
        clients,
        connected: connected.pages,
        connectFailures: connected.failed,
        offeredPerSecond: ratePerSecond,
        achievedPerSecond: Math.round(beaten.achievedPerSecond),
        heartbeats: beaten.acked,
        errors: beaten.errors,
        heartbeatsPerServerCpuSecond: Math.round(beaten.acked / serverCpuSeconds),
        serverCpuSeconds: Number(serverCpuSeconds.toFixed(3)),
        ackLatencyMs: { p50: round(beaten.p50Ms), p99: round(beaten.p99Ms), max: round(beaten.maxMs) },
        rssPerIdleConnectionKB: round((idle.rssBytes - empty.rssBytes) / connected.pages / 1024),
        serverRssMB: round(idle.rssBytes / 1024 / 1024),
        redisRoundTripsPerHeartbeat: Number((roundTrips / counted.acked).toFixed(4)),
        // Includes the commands scripts run inside Redis.
        redisCommandsExecutedPerHeartbeat: Number((redisCalls / beaten.acked).toFixed(4)),
        redisCpuMicrosPerHeartbeat: round(((redisAfter.cpuSeconds - redisBefore.cpuSeconds) * 1e6) / beaten.acked),
      });
    }
  }

  const byKey = new Map(runs.map((r) => [`${r.variant}:${r.clients}`, r]));
  const ratios = clientCounts.map((clients) => {
    const [a, b, c] = (['a', 'b', 'c'] as const).map((v) => byKey.get(`${v}:${clients}`));
    return {
      clients,
      oursVsBare: a && c ? round(c.heartbeatsPerServerCpuSecond / a.heartbeatsPerServerCpuSecond) : null,
      oursVsNaive: b && c ? round(c.heartbeatsPerServerCpuSecond / b.heartbeatsPerServerCpuSecond) : null,
      idleMemoryOursVsBare: a && c ? round(c.rssPerIdleConnectionKB / a.rssPerIdleConnectionKB) : null,
    };
  });
  process.stdout.write(`${JSON.stringify({
    benchmark: 'heartbeat',
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: { ratePerSecond, durationMs, clientCounts },
    runs,
    ratios,
  }, null, 2)}\n`);
}

type Saturated = Extract<LoadReply, { type: 'saturated' }>;
type Stats = Extract<ServerReply, { type: 'stats' }>;

async function saturate(dir: string, redisUrl: string, pages: unknown[]) {
  const results = [];
  for (const clients of clientCounts) {
    const pagesFile = join(dir, `pages-${clients}.json`);
    writeFileSync(pagesFile, JSON.stringify(pages.slice(0, clients)));
    const pairs: Array<{ variant: 'a' | 'b' | 'c'; server: ChildProcess; load: ChildProcess }> = [];
    for (const variant of variants) {
      const server = spawnChild(SERVERS[variant].file, { REDIS_URL: redisUrl, ...BENCH_NODE_ENV, ...(tunedBare ? { BENCH_TUNE_GC: 'true' } : {}) });
      const { port } = await reply<Extract<ServerReply, { type: 'ready' }>>(server, 'ready');
      const load = spawnChild(here('./load.ts'), {});
      const connected = await ask<Extract<LoadReply, { type: 'connected' }>>(load, { type: 'connect', url: `http://127.0.0.1:${port}`, pagesFile }, 'connected');
      if (connected.failed > 0) throw new Error(`${connected.failed} pages of ${variant} did not connect`);
      pairs.push({ variant, server, load });
    }
    await sleep(1_000);
    // Warm-up: JIT and the presence writes' first flushes, not measured.
    for (const { load } of pairs) await ask<Saturated>(load, { type: 'saturate', durationMs: 1_000, ackEvery, lanes }, 'saturated');

    if (profileDir) mkdirSync(profileDir, { recursive: true });
    if (profileDir) for (const { server } of pairs) await ask(server, { type: 'profile-start', intervalMicros: profileIntervalMicros }, 'profiled');
    const measured: Array<Record<string, { heartbeatsPerServerCpuSecond: number; serverCpuShare: number; loadCpuShare: number; heartbeats: number; errors: number; ackP50Ms: number; ackP99Ms: number }>> = [];
    for (let pass = 0; pass < rounds; pass++) {
      const order = pass % 2 === 0 ? pairs : [...pairs].reverse();
      const row: (typeof measured)[number] = {};
      const measure = async ({ variant, server, load }: (typeof pairs)[number]) => {
        const before = await ask<Stats>(server, { type: 'stats', gc: true }, 'stats');
        const done = await ask<Saturated>(load, { type: 'saturate', durationMs, ackEvery, lanes }, 'saturated');
        const after = await ask<Stats>(server, { type: 'stats' }, 'stats');
        const cpuSeconds = (after.cpuMicros - before.cpuMicros) / 1e6;
        row[variant] = {
          heartbeatsPerServerCpuSecond: Math.round(done.heartbeats / cpuSeconds),
          // Near 1 when the server, not the load, is the bottleneck.
          serverCpuShare: round(cpuSeconds / (done.elapsedMs / 1000)),
          // The pages' process: near 1 means it, not the server, holds the pace back.
          loadCpuShare: round(done.cpuMicros / 1000 / done.elapsedMs),
          heartbeats: done.heartbeats,
          errors: done.errors,
          ackP50Ms: round(done.p50Ms),
          ackP99Ms: round(done.p99Ms),
        };
      };
      if (together) await Promise.all(order.map(measure));
      else for (const pair of order) await measure(pair);
      measured.push(row);
    }
    if (profileDir) {
      for (const { variant, server } of pairs) {
        await ask(server, { type: 'profile-stop', file: join(profileDir, `heartbeat-saturate-${clients}-${variant}-${process.pid}.cpuprofile`) }, 'profiled');
      }
    }

    for (const { server, load } of pairs) {
      load.send({ type: 'stop' } satisfies LoadCommand);
      server.send({ type: 'stop' } satisfies ServerCommand);
    }
    await Promise.all(pairs.flatMap(({ server, load }) => [new Promise((r) => load.once('exit', r)), new Promise((r) => server.once('exit', r))]));

    const perVariant = Object.fromEntries(variants.map((v) => [v, spread(measured.map((row) => row[v]!.heartbeatsPerServerCpuSecond))]));
    const ratios = variants.includes('a') && variants.includes('c')
      ? measured.map((row) => round(row.c!.heartbeatsPerServerCpuSecond / row.a!.heartbeatsPerServerCpuSecond))
      : [];
    results.push({
      clients,
      rounds: measured,
      heartbeatsPerServerCpuSecond: perVariant,
      oursVsBare: ratios.length ? { ...spread(ratios), each: ratios } : null,
    });
  }
  process.stdout.write(`${JSON.stringify({
    benchmark: 'heartbeat',
    mode: 'saturate',
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: { durationMs, rounds, lanes, ackEvery, together, tunedBare, clientCounts, variants: Object.fromEntries(variants.map((v) => [v, SERVERS[v].name])) },
    results,
  }, null, 2)}\n`);
}

function spread(values: number[]) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), min: sorted[0]!, max: sorted.at(-1)! };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

await main();
