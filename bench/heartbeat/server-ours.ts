import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createAppContext } from '../../server/create-app-context.js';
import { tuneGarbageCollector } from '../../server/gc-tuning.js';
import { serveBenchIpc } from './child-server.js';

/** (c) Checkout Pulse itself, built exactly as server/main.ts builds it. */
tuneGarbageCollector();
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const ctx = await createAppContext(config, { redisUrl: config.env.REDIS_URL! });
const app = buildApp(ctx);
await app.listen(0, '127.0.0.1');
serveBenchIpc(app.http, async () => {
  await app.close();
  ctx.redis.disconnect();
});
