import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Mailer } from './mail/mailer.js';
import type { Metrics } from './metrics.js';
import type { ChangeFeed } from './feed/change-feed.js';
import type { RedisClient } from './redis/connect.js';
import type { ConnectionEvents } from './redis/connection-events.js';
import type { BoardCookies } from './auth/board-cookie.js';
import type { ApiKeyStore } from './store/api-keys-store.js';
import type { BoardTokenStore } from './store/board-tokens-store.js';
import type { ClientSecrets } from './store/client-secrets.js';
import type { EventsStore } from './store/events-store.js';
import type { StoreHealth } from './store/health.js';
import type { IdempotencyStore } from './store/idempotency-store.js';
import type { LifecycleStore } from './store/lifecycle-store.js';
import type { PresenceStore } from './store/presence-store.js';
import type { RateLimiters } from './store/rate-limiters.js';
import type { RecoveryStore } from './store/recovery-store.js';
import type { RevocationNotices } from './store/revocations.js';
import type { ScheduleStore } from './store/schedule.js';
import type { SessionStore } from './store/sessions-store.js';
import type { WebhookDeliveryStore } from './store/webhooks/deliveries-store.js';
import type { WebhookEndpointStore } from './store/webhooks/endpoints-store.js';
import type { StoreContext } from './store/store-context.js';

/** Everything a node's parts are built from; tests assemble their own. */
export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  /**
   * The commands connection, for its events and status (and tests' own checks); data goes through
   * the stores below and `storeContext`, never through this.
   */
  redis: RedisClient;
  /** The commands connection lost and back, for the parts that act on it. */
  connection: ConnectionEvents;
  nodeId: string;
  storeContext: StoreContext;
  sessions: SessionStore;
  presence: PresenceStore;
  lifecycle: LifecycleStore;
  recovery: RecoveryStore;
  /** Due work per shard, for the sweepers. */
  schedule: ScheduleStore;
  apiKeys: ApiKeyStore;
  boardTokens: BoardTokenStore;
  boardCookies: BoardCookies;
  clientSecrets: ClientSecrets;
  idempotency: IdempotencyStore;
  /** The change stream read as the integrators' event feed. */
  events: EventsStore;
  webhookEndpoints: WebhookEndpointStore;
  webhookDeliveries: WebhookDeliveryStore;
  rateLimiters: RateLimiters;
  health: StoreHealth;
  metrics: Metrics;
  mailer: Mailer;
  /** This node's one feed of the tenants' change streams. */
  changeFeed: ChangeFeed;
  /** Revoked keys, tokens and signed-out boards, from every node: caches drop them, boards end. */
  revocations: RevocationNotices;
}
