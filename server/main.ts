import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createAppContext } from './create-app-context.js';
import { createLogger } from './log.js';
import { watchRedis } from './metrics.js';
import { ensureEmbeddedRedis } from './redis/embedded.js';
import { listenMetrics } from './http/metrics-listener.js';
import { tuneGarbageCollector } from './gc-tuning.js';

/** Process entry: config, Redis (embedded when REDIS_URL is unset), app, listen, graceful drain. */
async function main(): Promise<void> {
  tuneGarbageCollector();
  let config;
  try {
    config = loadConfig(process.env, { serving: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.env.LOG_LEVEL);
  const embedded = config.env.REDIS_URL ? undefined : await ensureEmbeddedRedis(config.env.DATA_DIR);
  if (embedded) logger.info({ url: embedded.url, owned: embedded.owned }, 'embedded redis');
  const ctx = await createAppContext(config, { redisUrl: config.env.REDIS_URL ?? embedded!.url, logger });
  watchRedis(ctx.metrics, ctx.redis);
  const app = buildApp(ctx);
  const port = await app.listen(config.env.PORT, config.env.HOST);
  const metrics = config.env.METRICS_PORT === undefined ? undefined : await listenMetrics(ctx, config.env.METRICS_PORT, config.env.METRICS_HOST);
  logger.info({ port, node: ctx.nodeId, ...(metrics ? { metricsPort: metrics.port } : {}) }, 'checkout pulse listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    const force = setTimeout(() => {
      logger.error({ signal }, 'drain did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    try {
      await app.drain();
      await metrics?.close();
      await ctx.redis.quit().catch(() => undefined);
      await embedded?.stop();
    } finally {
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main().catch((error: unknown) => {
  process.stderr.write(`checkout pulse failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
