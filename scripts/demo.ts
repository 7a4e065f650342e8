import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../server/clock.js';
import { connectRedis } from '../server/redis/connect.js';
import { ensureEmbeddedRedis } from '../server/redis/embedded.js';
import { ApiKeyStore } from '../server/store/api-keys-store.js';
import { BoardTokenStore } from '../server/store/board-tokens-store.js';
import { startSimulator } from './simulator/simulator.js';
import { progressLine } from './simulator/stats.js';

/**
 * `npm run demo`: the embedded Redis, the server and simulated shoppers, then the board's URL.
 * Data stays under .data, so a second run keeps its sessions, merchant, key and board link.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.DATA_DIR ?? join(root, '.data');
const port = Number(process.env.PORT ?? 3000);
const url = (process.env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildClientIfStale(): void {
  const built = join(root, 'dist/client/board/index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newestMtime(join(root, 'client')), newestMtime(join(root, 'shared')))) return;
  console.log('building the board, the demo page and the beacon…');
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(1);
}

interface DemoState { merchantId: string; key: string; token: string }

async function demoMerchant(redisUrl: string): Promise<DemoState> {
  const path = join(dataDir, 'demo.json');
  const redis = connectRedis({ url: redisUrl });
  try {
    const keys = new ApiKeyStore(redis, systemClock);
    const tokens = new BoardTokenStore(redis, systemClock);
    if (existsSync(path)) {
      const saved = JSON.parse(readFileSync(path, 'utf8')) as DemoState;
      if ((await keys.verify(saved.key)) && (await tokens.verify(saved.token))) return saved;
    }
    const tenant = { merchantId: 'demo', mode: 'test' as const };
    const state = { merchantId: tenant.merchantId, key: await keys.create(tenant.merchantId, tenant.mode), token: await tokens.create(tenant) };
    writeFileSync(path, JSON.stringify(state, null, 2));
    return state;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  buildClientIfStale();
  const redis = await ensureEmbeddedRedis(dataDir);
  const demo = await demoMerchant(redis.url);
  const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/main.ts')], {
    cwd: root,
    env: {
      ...process.env, REDIS_URL: redis.url, PORT: String(port), PUBLIC_URL: url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ABANDON_AFTER_MS: process.env.ABANDON_AFTER_MS ?? '120000', SESSION_TTL_MS: process.env.SESSION_TTL_MS ?? '900000',
      DEMO_MERCHANT_KEY: demo.key,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let exited = false;
  // Ctrl-C reaches the server too (one process group): it may be gone before stop() asks.
  const serverExited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.once('exit', () => (exited = true));
  createInterface({ input: server.stdout! }).on('line', (line) => process.stderr.write(`${line}\n`));
  for (;;) {
    if (exited) throw new Error(`the server stopped; is port ${port} free? (PORT=… npm run demo)`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const simulator = startSimulator({ url, key: demo.key, arrivalsPerMinute: 40, maxConcurrent: 400, heartbeatMs: 10_000, speed: 1, seed: Date.now() % 1_000_000 });
  console.log(`
  Checkout Pulse is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).

  Live board:      ${url}/board?token=${demo.token}
  Demo checkout:   ${url}/demo
  API docs:        ${url}/docs
  Test API key:    ${demo.key}
                   (sign in on the board with it to act on sessions)

  Shoppers arrive about 40 a minute. Ctrl-C stops everything; data stays in ${dataDir}.
`);
  const tty = process.stdout.isTTY;
  const progress = setInterval(() => {
    if (tty) process.stdout.write(`\r\x1b[2K  ${progressLine(simulator.stats)}`);
  }, 1_000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(progress);
    if (tty) process.stdout.write('\n');
    console.log('stopping…');
    await simulator.stop();
    server.kill('SIGTERM');
    await serverExited;
    await redis.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

await main();
