import { randomBytes } from 'node:crypto';
import type { AppContext } from './app-context.js';
import { BoardCookies } from './auth/board-cookie.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createMailer } from './mail/mailer.js';
import { createMetrics, watchWebhookBacklog } from './metrics.js';
import { createChangeFeed } from './feed/change-feed.js';
import { feedMetrics } from './feed/feed-metrics.js';
import { connectRedis } from './redis/connect.js';
import { connectionEvents } from './redis/connection-events.js';
import { createNoticeSubscriber } from './redis/notice-subscriber.js';
import { ApiKeyStore } from './store/api-keys-store.js';
import { BoardSignOutStore } from './store/board-signouts-store.js';
import { BoardTokenStore } from './store/board-tokens-store.js';
import { ClientSecrets } from './store/client-secrets.js';
import { CredentialOwners } from './store/credential-owners.js';
import { EventsStore } from './store/events-store.js';
import { StoreHealth } from './store/health.js';
import { IdempotencyStore } from './store/idempotency-store.js';
import { configureCredentialRecords } from './store/credential-records.js';
import { LifecycleStore } from './store/lifecycle-store.js';
import { OutboxStore } from './store/outbox-store.js';
import { PresenceStore } from './store/presence-store.js';
import { keys } from './store/keys.js';
import { RateLimiters } from './store/rate-limiters.js';
import { RecoveryStore } from './store/recovery-store.js';
import { createRevocationNotices } from './store/revocations.js';
import { ScheduleStore } from './store/schedule.js';
import { registerScripts } from './store/scripts.js';
import { SessionStore } from './store/sessions-store.js';
import { WebhookDeliveryStore } from './store/webhooks/deliveries-store.js';
import { WebhookEndpointStore } from './store/webhooks/endpoints-store.js';
import { WEBHOOK_RETRY_SCHEDULE } from './webhooks/retry-schedule.js';

export interface ContextOptions {
  redisUrl: string;
  clock?: Clock;
  logger?: Logger;
  nodeId?: string;
}

/** Connects to Redis and builds every store of one node. */
export async function createAppContext(config: Config, options: ContextOptions): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config.env.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const nodeId = options.nodeId ?? randomBytes(4).toString('hex');
  const connect = (name: string, autoPipelining = true, commandTimeoutMs?: number) => connectRedis({
    url: options.redisUrl, cluster: config.env.REDIS_CLUSTER, name: `checkout-pulse:${nodeId}:${name}`, autoPipelining, commandTimeoutMs,
  });
  // No auto-pipelining here: a caller hears of its command only when the whole auto-pipeline it
  // joined is done, and one node runs one at a time, so with a shard frozen a call waited out the
  // deadline of every command queued after its own (up to twice the deadline) before its 503.
  const redis = connect('commands', false, config.env.REDIS_COMMAND_TIMEOUT_MS);
  const credentials = configureCredentialRecords(redis, clock, config.env.CREDENTIAL_CACHE_MS);
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  registerScripts(redis);
  const storeContext = { redis, clock, streamRetain: config.env.STREAM_RETAIN_EVENTS };
  const revocations = createRevocationNotices(redis);
  // A key or token revoked on any node leaves this node's cache at once, not when its copy expires.
  revocations.subscribe((digest) => {
    credentials.forget(keys.apiKey(digest));
    credentials.forget(keys.boardToken(digest));
  });
  const metrics = createMetrics();
  const webhookDeliveries = new WebhookDeliveryStore(storeContext, WEBHOOK_RETRY_SCHEDULE);
  watchWebhookBacklog(metrics, () => webhookDeliveries.pendingCount());
  const clientSecrets = await ClientSecrets.load(redis);
  return {
    config,
    logger,
    clock,
    redis,
    connection: connectionEvents(redis),
    nodeId,
    storeContext,
    sessions: new SessionStore(storeContext),
    presence: new PresenceStore(storeContext, { timings: config.presence, abandonAfterMs: config.abandonAfterMs, sessionTtlMs: config.sessionTtlMs }),
    lifecycle: new LifecycleStore(storeContext),
    recovery: new RecoveryStore(storeContext),
    schedule: new ScheduleStore(storeContext),
    apiKeys: new ApiKeyStore(redis, clock),
    boardTokens: new BoardTokenStore(redis, clock),
    boardCookies: new BoardCookies(clientSecrets, clock, new CredentialOwners(redis, clock), new BoardSignOutStore(redis, clock)),
    clientSecrets,
    idempotency: new IdempotencyStore(redis),
    events: new EventsStore(redis),
    webhookEndpoints: new WebhookEndpointStore(redis, clock),
    webhookDeliveries,
    metrics,
    rateLimiters: new RateLimiters(redis),
    health: new StoreHealth(redis),
    revocations,
    mailer: createMailer(config, logger, new OutboxStore(redis), clock),
    // One subscriber connection (one per shard on a Cluster) for every tenant this node follows.
    changeFeed: createChangeFeed({
      subscriber: createNoticeSubscriber({ url: options.redisUrl, cluster: config.env.REDIS_CLUSTER, name: `checkout-pulse:${nodeId}:feed` }),
      commands: redis,
      logger,
      observer: feedMetrics(metrics, clock),
    }),
  };
}
