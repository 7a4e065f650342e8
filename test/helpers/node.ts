import { buildApp, type App, type AppOptions } from '../../server/app.js';
import type { AppContext } from '../../server/app-context.js';
import type { Clock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { createAppContext } from '../../server/create-app-context.js';
import { createLogger } from '../../server/log.js';
import { createServer } from 'node:net';

/** A port free right now (links need the address before the node listens). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Short presence timings so the presence bounds are observable in a test. */
export const FAST_PRESENCE = {
  HEARTBEAT_INTERVAL_MS: '200',
  PRESENCE_TIMEOUT_MS: '1500',
  OFFLINE_GRACE_MS: '300',
} as const;

/** `/metrics` is behind a token outside the demo; test nodes use this one. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';
export const METRICS_HEADERS = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };

/** Limits that suites polling from one address would trip: off unless a test turns them on. */
export const LIMITS_OFF = {
  RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_AUTH_PER_IP: '0', RATE_LIMIT_HANDSHAKES_PER_IP: '0',
} as const;

export interface TestNode {
  app: App;
  ctx: AppContext;
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface TestNodeOptions extends AppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  nodeId?: string;
  /** A fixed port (a restart on the same address); any free one otherwise. */
  port?: number;
}

/** One app node on port 0 over the given Redis. */
export async function startNode(redisUrl: string, options: TestNodeOptions = {}): Promise<TestNode> {
  // Suites poll the API fast from one address: rate limits are off unless a test turns them on.
  // Suites seed thousands of records at once on two shared cores: a command may wait longer than
  // the shipped timeout without Redis being away. Tests of Redis away set the shipped one.
  const port = options.port ?? await freePort();
  const config = loadConfig({
    ...FAST_PRESENCE, LOG_LEVEL: 'silent', ...LIMITS_OFF, REDIS_COMMAND_TIMEOUT_MS: '5000', METRICS_TOKEN: TEST_METRICS_TOKEN, PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...options.env, REDIS_URL: redisUrl,
  });
  const ctx = await createAppContext(config, {
    redisUrl,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.nodeId ? { nodeId: options.nodeId } : {}),
  });
  const app = buildApp(ctx, options);
  await app.listen(port);
  let closed: Promise<void> | undefined;
  return {
    app,
    ctx,
    port,
    url: `http://127.0.0.1:${port}`,
    close() {
      closed ??= (async () => {
        await app.close();
        ctx.redis.disconnect();
      })();
      return closed;
    },
  };
}
