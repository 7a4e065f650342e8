import { fork, spawn, spawnSync } from 'node:child_process';
import { BENCH_NODE_ENV } from '../bench-env.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSessionBody, PAYMENT_METHODS } from '../../shared/session.js';
import { systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { connectRedis } from '../../server/redis/connect.js';
import { startRedisServer } from '../../server/redis/embedded.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { ClientSecrets } from '../../server/store/client-secrets.js';
import { tenantPrefix } from '../../server/store/keys.js';
import { LifecycleStore } from '../../server/store/lifecycle-store.js';
import { PresenceStore } from '../../server/store/presence-store.js';
import { registerScripts } from '../../server/store/scripts.js';
import { SessionStore } from '../../server/store/sessions-store.js';
import { launchBrowser } from '../../test/helpers/browser.js';
import { reply } from '../child-reply.js';

/**
 * The board at scale: 10,000 sessions on a real board in headless Chromium while changes stream
 * in; frame times, long tasks and change-to-screen latency; and the server's part alone (stream
 * to board socket) at a higher rate. Prints JSON.
 *   npm run bench -- board [--sessions 10000] [--rate 200] [--server-rate 1000] [--seconds 10]
 *     [--browser-only] (skip the server part) [--server-only] (skip the browser part) [--trace file.json] (a Chromium trace of the streaming part)
 *     [--reduced-motion] (the board as users who turned motion off see it)
 */
const { values } = parseArgs({ options: {
  sessions: { type: 'string', default: '10000' }, rate: { type: 'string', default: '200' },
  'server-rate': { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' },
  'heartbeat-pages': { type: 'string', default: '2000' }, 'heartbeat-rate': { type: 'string', default: '4500' },
  // Real checkout pages heartbeat without an ack; 1 in 20 asks for one here, to measure latency. 1 acks all.
  'heartbeat-ack-every': { type: 'string', default: '20' },
  'browser-only': { type: 'boolean', default: false }, 'reduced-motion': { type: 'boolean', default: false }, 'server-only': { type: 'boolean', default: false }, trace: { type: 'string' },
} });
const HEARTBEAT_PAGES = Number(values['heartbeat-pages']);
const HEARTBEAT_RATE = Number(values['heartbeat-rate']);
const SESSIONS = Number(values.sessions);
const RATE = Number(values.rate);
const SERVER_RATE = Number(values['server-rate']);
const SECONDS = Number(values.seconds);
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8.execute', 'v8', 'disabled-by-default-v8.gc'];
const root = fileURLToPath(new URL('../..', import.meta.url));

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { count: sorted.length, p50: r(percentile(sorted, 50)), p95: r(percentile(sorted, 95)), p99: r(percentile(sorted, 99)), max: r(sorted.at(-1) ?? 0) };
};

async function main() {
  // Measure the board as it is now.
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('client build failed');
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-board-'));
  const redisServer = await startRedisServer({ dir, persist: false });
  const redis = connectRedis({ url: redisServer.url });
  registerScripts(redis);
  const ctx = { redis, clock: systemClock, streamRetain: 100_000 };
  const config = loadConfig({});
  const sessions = new SessionStore(ctx);
  const lifecycle = new LifecycleStore(ctx);
  const presence = new PresenceStore(ctx, { timings: config.presence, abandonAfterMs: config.abandonAfterMs, sessionTtlMs: config.sessionTtlMs });
  const tenant = { merchantId: 'bench', mode: 'test' as const };
  const ids: string[] = [];
  const seedStarted = Date.now();
  for (let i = 0; i < SESSIONS; i += 500) {
    const batch = await Promise.all(Array.from({ length: Math.min(500, SESSIONS - i) }, (_, j) => sessions.create(tenant, createSessionBody.parse({
      totalAmount: 1_000 + ((i + j) % 50) * 990, currency: 'BRL', product: { name: ['Pro license', 'Team plan', 'Ebook'][(i + j) % 3] },
      customer: { email: `c${i + j}@example.com` }, domainHost: 'x.example', language: 'pt-BR',
    }), 86_400_000)));
    ids.push(...batch.map((s) => s.id));
  }
  const seedSeconds = (Date.now() - seedStarted) / 1000;

  const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/main.ts')], {
    cwd: root, env: { ...process.env, REDIS_URL: redisServer.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...BENCH_NODE_ENV },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      const match = /"port":(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const token = await new BoardTokenStore(redis, systemClock).create(tenant);
  const prefix = tenantPrefix(tenant);
  let n = 0;
  /** One transition on a random session: funnel steps, payment outcomes, pages coming and going. */
  const change = () => {
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    const k = n++ % 4;
    const method = PAYMENT_METHODS[n % PAYMENT_METHODS.length]!;
    const done = k === 0 ? presence.connect(prefix, id, `c${n}`)
      : k === 1 ? lifecycle.applyEvent(tenant, id, { type: 'payment_method_selected', method })
        : k === 2 ? presence.disconnect(prefix, id, `c${n - 2}`, false)
          : lifecycle.applyEvent(tenant, id, { type: 'payment_attempted', method });
    return done.catch(() => undefined);
  };
  const drive = async (rate: number, seconds: number) => {
    const started = performance.now();
    let sent = 0;
    while (performance.now() - started < seconds * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
      for (let i = 0; i < due; i++, sent++) void change();
      await new Promise((r) => setTimeout(r, 5));
    }
    return sent;
  };

  // 1. Chromium: a real board with every session on it.
  const measureBrowser = async () => {
    const browser = await launchBrowser({ width: 1920, height: 1080 });
    const page = await browser.newPage();
    // The board without its motion (the online beat), to see what that motion costs.
    if (values['reduced-motion']) await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.addInitScript({ path: join(root, 'bench', 'board', 'page-probe.js') });
    await page.goto(`${url}/board?token=${token}&theme=dark`);
    await page.waitForSelector('[data-connection="live"]');
    await page.waitForFunction(`[...document.querySelectorAll('[data-count]')].reduce((s, e) => s + Number(e.dataset.value ?? e.textContent), 0) >= ${SESSIONS}`, undefined, { timeout: 60_000 });
    // A few seconds of the same traffic first: the board's steady state, not its first frames of JIT and cold caches.
    await drive(RATE, 3);
    if (values.trace) await browser.browser()?.startTracing(page, { path: values.trace, screenshots: false, categories: TRACE_CATEGORIES });
    await page.evaluate('window.__bench.recording = true');
    const sentToBrowser = await drive(RATE, SECONDS);
    await new Promise((r) => setTimeout(r, 500));
    if (values.trace) await browser.browser()?.stopTracing();
    const browserResult = (await page.evaluate('window.__bench')) as { frames: number[]; longTasks: number[]; latencies: number[]; isolated: boolean };
    await page.screenshot({ path: join(root, 'bench', 'results', 'board-10k.png') }).catch(() => undefined);
    await browser.close();
    return {
      changesSent: sentToBrowser,
      frameMs: summary(browserResult.frames),
      // The board is cross-origin isolated, so frame timestamps are precise to 5 µs (0.1 ms otherwise,
      // when one 60 Hz vsync reads 16.6-16.8 ms). A frame is late when it took over one and a half vsyncs.
      timerPrecision: browserResult.isolated ? '5 µs (cross-origin isolated)' : '100 µs',
      lateFramePercent: Math.round((browserResult.frames.filter((ms) => ms > 25).length / Math.max(1, browserResult.frames.length)) * 1000) / 10,
      longTasks: { count: browserResult.longTasks.length, maxMs: Math.round(Math.max(0, ...browserResult.longTasks)) },
      changeToScreenMs: summary(browserResult.latencies),
    };
  };
  const browserPart = values['server-only'] ? undefined : await measureBrowser();
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version };
  const settings = { sessions: SESSIONS, changesPerSecond: RATE, serverChangesPerSecond: SERVER_RATE, seconds: SECONDS };
  if (values['browser-only'] && browserPart) {
    process.stdout.write(`${JSON.stringify({ benchmark: 'board', machine, settings, seedSeconds, browser: browserPart }, null, 2)}\n`);
    await shutdown();
    return;
  }

  // 2. The server's part: stream entry → board socket, at a higher rate, measured by a bare client,
  // while the same node ingests heartbeats (about half of what it handled in bench/heartbeat) from
  // pages in another process.
  const secrets = await ClientSecrets.load(redis);
  const pagesFile = join(dir, 'pages.json');
  writeFileSync(pagesFile, JSON.stringify(ids.slice(0, HEARTBEAT_PAGES).map((sessionId) => ({ sessionId, clientSecret: secrets.issue(tenant, sessionId) }))));
  const listener = fork(join(root, 'bench/board/board-listener.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // The pages and the writer of changes stand in for clients elsewhere: they yield the CPU to the
  // node, Redis and the measuring board (all forked above at normal priority).
  setPriority(0, 10);
  const load = fork(join(root, 'bench/heartbeat/load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const connected = reply<{ type: 'connected'; pages: number }>(load, 'connected');
  load.send({ type: 'connect', url, pagesFile });
  const heartbeatPages = (await connected).pages;
  const cookie = await fetch(`${url}/board?token=${token}`, { redirect: 'manual' }).then((r) => r.headers.get('set-cookie')!.split(';')[0]!);
  const listening = reply<{ type: 'listening' }>(listener, 'listening');
  listener.send({ type: 'listen', url, cookie });
  await listening;
  const serverSeconds = Math.max(3, SECONDS / 2);
  const beaten = reply<{ type: 'beaten'; acked: number; p99Ms: number }>(load, 'beaten');
  load.send({ type: 'beat', ratePerSecond: HEARTBEAT_RATE, durationMs: (serverSeconds + 1) * 1000, ackEvery: Number(values['heartbeat-ack-every']) });
  await new Promise((r) => setTimeout(r, 500));
  // The server's own event loop and GC over the same window (prom-client resets the lag histogram per scrape).
  const scrape = () => fetch(`${url}/metrics`).then((r) => r.text());
  const gcSeconds = (text: string) => [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} ([\d.e-]+)/gm)].reduce((sum, m) => sum + Number(m[2]), 0);
  const gcBefore = gcSeconds(await scrape());
  listener.send({ type: 'measure', on: true });
  const sentToServer = await drive(SERVER_RATE, serverSeconds);
  // Stop measuring before scraping: the scrape is this bench's probe, not part of the load, and
  // Prometheus scrapes once per interval, not once per five seconds.
  const measured = reply<{ type: 'measured'; fromStreamMs: number[]; fromTransitionMs: number[] }>(listener, 'measured');
  listener.send({ type: 'measure', on: false });
  const latencies = await measured;
  const metricsAfter = await scrape();
  const gauge = (name: string) => Math.round(Number(new RegExp(`^${name} ([\\d.e+-]+)`, 'm').exec(metricsAfter)?.[1] ?? NaN) * 1e5) / 100;
  const serverLoop = {
    eventLoopLagP99Ms: gauge('nodejs_eventloop_lag_p99_seconds'), eventLoopLagMaxMs: gauge('nodejs_eventloop_lag_max_seconds'),
    gcMsPerSecond: Math.round(((gcSeconds(metricsAfter) - gcBefore) * 1000) / serverSeconds),
  };
  listener.send({ type: 'stop' });
  const heartbeats = await beaten;
  load.send({ type: 'stop' });

  process.stdout.write(`${JSON.stringify({
    benchmark: 'board',
    machine,
    settings,
    seedSeconds,
    browser: browserPart,
    server: {
      changesSent: sentToServer,
      streamToBoardSocketMs: summary(latencies.fromStreamMs),
      transitionToBoardSocketMs: summary(latencies.fromTransitionMs),
      serverLoop,
      heartbeatsAlongside: { pages: heartbeatPages, offeredPerSecond: HEARTBEAT_RATE, ackEvery: Number(values['heartbeat-ack-every']), acked: heartbeats.acked, ackP99Ms: heartbeats.p99Ms },
      note: 'a board client in its own process; from the stream append (entry id, Redis clock) and from the transition call (the event\'s at, the writer\'s clock) to arrival',
    },
  }, null, 2)}\n`);
  await shutdown();

  async function shutdown() {
    // Wait for the node to drain while its Redis and its stdout pipe still exist; exiting first left
    // it running in the background, eating CPU from the next run.
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const force = setTimeout(() => server.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
    redis.disconnect();
    await redisServer.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
}

await main();
