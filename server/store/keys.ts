import type { Mode } from '../../shared/ids.js';

/**
 * Every Redis key of the product is built here (and mirrored for Lua in lua/includes/keys.lua).
 * A tenant's keys share the hash tag `{t:<merchant>:<mode>}`, so each script touches one Cluster slot.
 */
export interface Tenant {
  merchantId: string;
  mode: Mode;
}

/** `cp:{t:acme:live}:`: the prefix every per-tenant key starts with; scripts receive it as KEYS[1]. */
export type TenantPrefix = string & { readonly __brand: 'TenantPrefix' };

export function tenantPrefix(tenant: Tenant): TenantPrefix {
  return `cp:{t:${tenant.merchantId}:${tenant.mode}}:` as TenantPrefix;
}

const PREFIX_PATTERN = /^cp:\{t:([A-Za-z0-9_-]{1,64}):(live|test)\}:$/;

export function tenantFromPrefix(prefix: string): Tenant | undefined {
  const match = PREFIX_PATTERN.exec(prefix);
  if (!match?.[1] || !match[2]) return undefined;
  return { merchantId: match[1], mode: match[2] as Mode };
}

export const keys = {
  /** Tenants written before the schedule existed: entered in it once (ScheduleStore.scheduleKnownTenants); no longer written. */
  tenants: 'cp:tenants',
  /** API key record by the SHA-256 of the key. */
  apiKey: (digest: string) => `cp:key:${digest}`,
  /** Board token record by the SHA-256 of the token. */
  boardToken: (digest: string) => `cp:board-token:${digest}`,
  /** A board cookie signed out before its time, by the SHA-256 of the cookie. */
  boardSignOut: (digest: string) => `cp:board-signout:${digest}`,
  /** Pub/sub channel of revocation notices (store/revocations.ts): one global channel, every node listens. */
  revocations: 'cp:revocations',
  /** Key that signs client secrets, shared by every node. */
  signingKey: 'cp:signing-key',
  /**
   * Tenant prefix → the earliest time it has work due: one on a single Redis, one per shard on a
   * Cluster (`tag` hashing into the shard's slots; store/schedule-keys.ts). Mirrored in lua/includes/context.lua.
   */
  schedule: (tag?: string) => (tag === undefined ? 'cp:schedule' : `cp:schedule:{${tag}}`),
  /** The shard's tenants with live pages, beside its schedule (same tag). */
  liveTenants: (tag?: string) => (tag === undefined ? 'cp:live' : `cp:live:{${tag}}`),
  /** Set once every tenant that predates the schedule was entered in it (store/schedule.ts). */
  scheduleSeeded: 'cp:schedule:seeded',
  /** Request counters of one rate limit (`ip`, `key`, …); the limiter appends the caller. */
  rateLimit: (name: string) => `cp:rl:${name}`,
  idempotency: (p: TenantPrefix, digest: string) => `${p}idem:${digest}`,
  session: (p: TenantPrefix, sessionId: string) => `${p}s:${sessionId}`,
  timeline: (p: TenantPrefix, sessionId: string) => `${p}tl:${sessionId}`,
  /** Live connections of a session: connection id → lease deadline. */
  connections: (p: TenantPrefix, sessionId: string) => `${p}c:${sessionId}`,
  /** Connections whose page said it left (`left` beacon) while its socket may still look alive. */
  released: (p: TenantPrefix, sessionId: string) => `${p}rel:${sessionId}`,
  /** Per-session lease deadline (the latest of its connections). */
  leases: (p: TenantPrefix) => `${p}leases`,
  /** Due-time sorted sets: offline (grace), abandon, expire. */
  due: (p: TenantPrefix, kind: 'offline' | 'abandon' | 'expire') => `${p}due:${kind}`,
  /** The tenant's change stream: every transition appends one event. */
  stream: (p: TenantPrefix) => `${p}events`,
  /** Sharded pub/sub channel of the stream's notices: one per appended event (lua/includes/emit.lua). */
  feedChannel: (p: TenantPrefix) => `${p}feed`,
  /** Mail kept instead of sent when no SMTP server is configured (newest first, capped). */
  outbox: (p: TenantPrefix) => `${p}outbox`,
  /** Online count per minute (field: the minute's epoch ms), the last half hour: the board's sparkline. */
  onlineHistory: (p: TenantPrefix) => `${p}online`,
  /** Webhook endpoints: endpoint id → its record (JSON, secret included). */
  webhookEndpoints: (p: TenantPrefix) => `${p}wh:ep`,
  /** Enabled endpoints only: endpoint id → the event types it takes (`*`, or `,type,type,`); what scripts read per event. */
  webhookRoutes: (p: TenantPrefix) => `${p}wh:routes`,
  /** Endpoint id → when it last took a delivery (ms): an endpoint that answers is not disabled for one event it refuses. */
  webhookLastDelivered: (p: TenantPrefix) => `${p}wh:ok`,
  /** Due time of every pending delivery (member: delivery id), claims included. */
  webhookDue: (p: TenantPrefix) => `${p}wh:due`,
  /** One pending delivery: its event (copied, so it outlives the stream's trimming), endpoint, attempts, claim token. */
  webhookDelivery: (p: TenantPrefix, deliveryId: string) => `${p}wh:d:${deliveryId}`,
  /** An endpoint's recent attempts, newest first. */
  webhookAttempts: (p: TenantPrefix, endpointId: string) => `${p}wh:log:${endpointId}`,
  /** A recovery link already used, by the link's SHA-256 (lua/recoverSession-1.lua). */
  recoveryUsed: (p: TenantPrefix, digest: string) => `${p}rcv:${digest}`,
  /** Recovery mails sent for a session and when the last went (lua/reserveRecoveryMail-1.lua). */
  recoveryMail: (p: TenantPrefix, sessionId: string) => `${p}rm:${sessionId}`,
  /** Index keys start here; lua/includes/indexes.lua names them. */
  indexPrefix: (p: TenantPrefix) => `${p}i:`,
} as const;
