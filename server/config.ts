import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every setting, parsed once from the environment; a bad value stops the start with a clear message. */
export const configSchema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CLUSTER: z.stringbool().default(false),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  HEARTBEAT_INTERVAL_MS: ms(10_000),
  PRESENCE_TIMEOUT_MS: ms(30_000),
  OFFLINE_GRACE_MS: ms(5_000),
  ABANDON_AFTER_MS: ms(1_800_000),
  SESSION_TTL_MS: ms(86_400_000),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().default('Checkout Pulse <no-reply@checkout-pulse.local>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Change-stream events kept per tenant for boards to resume from. */
  STREAM_RETAIN_EVENTS: z.coerce.number().int().min(100).default(100_000),
  DATA_DIR: z.string().default('.data'),
  /** Requests a minute allowed per API key and per client IP (0 turns a limit off). */
  RATE_LIMIT_PER_KEY: z.coerce.number().int().min(0).default(1_200),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(600),
  /**
   * A Redis command unanswered by then fails, and the API answers 503 with Retry-After. With the
   * rate limit's and a credential's short waits before it (50 ms each, when their shard is the
   * one frozen), a call still answers within a second.
   */
  REDIS_COMMAND_TIMEOUT_MS: ms(600),
  /** How long a node trusts an API key or board token it read: a revocation reaches every node within this (0: always read). */
  CREDENTIAL_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** Proxies in front of the server (hops): client IPs and edge geo headers are trusted only through them. */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Webhook URLs may reach loopback, private and link-local addresses (tests, on-premises receivers). */
  WEBHOOK_ALLOW_PRIVATE: z.stringbool().default(false),
  /** A webhook delivery is answered within this or tried again later. */
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  /** The demo (`npm run demo`): links may fall back to localhost and /metrics may be open. */
  DEMO: z.stringbool().default(false),
  /** Requests a minute per client IP on routes that take a credential or token without an API key (board sign-in, recovery links). */
  RATE_LIMIT_AUTH_PER_IP: z.coerce.number().int().min(0).default(30),
  /** Socket.IO handshakes a minute per client IP, both namespaces (0 turns the limit off). */
  RATE_LIMIT_HANDSHAKES_PER_IP: z.coerce.number().int().min(0).default(600),
  /** `/metrics` only with `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** `/metrics` on its own listener (e.g. bound to a private interface) instead of the public one. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
}).superRefine((c, ctx) => {
  if (c.OFFLINE_GRACE_MS >= c.PRESENCE_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['OFFLINE_GRACE_MS'], message: 'must be below PRESENCE_TIMEOUT_MS' });
  }
  if (c.HEARTBEAT_INTERVAL_MS * 2 > c.PRESENCE_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['HEARTBEAT_INTERVAL_MS'], message: 'must be at most half of PRESENCE_TIMEOUT_MS' });
  }
});

export type Env = z.infer<typeof configSchema>;

/** Derived timings of presence; see README "Presence" for why each bound holds. */
export interface PresenceTimings {
  heartbeatIntervalMs: number;
  presenceTimeoutMs: number;
  offlineGraceMs: number;
  /** How long a connection's lease lasts without renewal. */
  leaseMs: number;
  /** How often a node renews the leases of the sockets it holds. */
  leaseRenewMs: number;
  /** How often due work (offline, abandonment, expiry) is swept. */
  sweepIntervalMs: number;
  /**
   * How long a tenant claimed by one node's sweep is left to it. A node that dies holding a claim
   * delays that tenant's due work until the claim lapses, so it lapses well before the leases of the
   * dead node's pages can run out (at least leaseMs - leaseRenewMs after its death).
   */
  sweepClaimMs: number;
  /** Heartbeats are coalesced and written at most this late. */
  flushIntervalMs: number;
  /** Transport ping, so a tab with throttled timers still proves it lives. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

export interface Config {
  env: Env;
  presence: PresenceTimings;
  abandonAfterMs: number;
  sessionTtlMs: number;
}

export function presenceTimings(env: Pick<Env, 'HEARTBEAT_INTERVAL_MS' | 'PRESENCE_TIMEOUT_MS' | 'OFFLINE_GRACE_MS'>): PresenceTimings {
  const timeout = env.PRESENCE_TIMEOUT_MS;
  const sweepIntervalMs = Math.max(25, Math.min(1_000, Math.floor(timeout / 30)));
  // A node that dies stops renewing: its leases run out at most leaseMs after its last renewal,
  // and the sweeper notices within one sweep, so offline lands within the timeout.
  const leaseMs = timeout - 2 * sweepIntervalMs;
  const leaseRenewMs = Math.max(10, Math.floor(leaseMs / 4));
  // A silent socket is dropped after pingInterval + pingTimeout; the offline flip then follows at once.
  const pingIntervalMs = Math.max(10, Math.floor(timeout / 3));
  const pingTimeoutMs = Math.max(10, Math.floor(timeout / 3) - sweepIntervalMs);
  return {
    heartbeatIntervalMs: env.HEARTBEAT_INTERVAL_MS,
    presenceTimeoutMs: timeout,
    offlineGraceMs: env.OFFLINE_GRACE_MS,
    leaseMs,
    leaseRenewMs,
    sweepIntervalMs,
    sweepClaimMs: Math.max(sweepIntervalMs, Math.min(2_000, Math.floor(leaseMs / 2))),
    flushIntervalMs: Math.max(5, Math.min(1_000, Math.floor(env.HEARTBEAT_INTERVAL_MS / 2))),
    pingIntervalMs,
    pingTimeoutMs,
  };
}

export interface LoadOptions {
  /**
   * The server itself (not a CLI): links in mail and docs are built from `PUBLIC_URL` only, never
   * from a request's Host header, so outside the demo it must be set.
   */
  serving?: boolean;
}

export function loadConfig(source: Record<string, string | undefined> = process.env, options: LoadOptions = {}): Config {
  const parsed = configSchema.superRefine((c, ctx) => {
    if (options.serving && !c.PUBLIC_URL && !c.DEMO) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'is required (the base of links in mail and docs); set DEMO=true to fall back to localhost' });
    }
  }).safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return {
    env,
    presence: presenceTimings(env),
    abandonAfterMs: env.ABANDON_AFTER_MS,
    sessionTtlMs: env.SESSION_TTL_MS,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
