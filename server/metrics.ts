import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RedisClient } from './redis/connect.js';

const WALKING_METRICS = [
  'nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_requests', 'nodejs_active_requests_total',
  'nodejs_active_resources', 'nodejs_active_resources_total', 'process_open_fds',
];

/** Prometheus metrics of one node, served at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // These walk every handle of the process (and its open file descriptors) on each scrape: with
  // thousands of page sockets that held the event loop for tens of milliseconds. Page sockets are
  // counted by checkout_pulse_page_connections instead.
  for (const name of WALKING_METRICS) registry.removeSingleMetric(name);
  // Heartbeats come thousands a second: counted in a plain number and added to the counter when
  // scraped, rather than a prom-client inc() (a labels object and a hash lookup) per heartbeat.
  let heartbeatsSinceScrape = 0;
  return {
    registry,
    pageConnections: new Gauge({ name: 'checkout_pulse_page_connections', help: 'Checkout page sockets on this node', registers: [registry] }),
    heartbeats: new Counter({
      name: 'checkout_pulse_heartbeats_total', help: 'Heartbeats received', registers: [registry],
      collect() {
        this.inc(heartbeatsSinceScrape);
        heartbeatsSinceScrape = 0;
      },
    }),
    /** One heartbeat received (checkout_pulse_heartbeats_total). */
    countHeartbeat(): void {
      heartbeatsSinceScrape++;
    },
    presenceFlushes: new Counter({ name: 'checkout_pulse_presence_flushes_total', help: 'Coalesced presence writes', registers: [registry] }),
    presenceFlushErrors: new Counter({ name: 'checkout_pulse_presence_flush_errors_total', help: 'Presence writes that failed and were kept for retry', registers: [registry] }),
    sweeps: new Counter({ name: 'checkout_pulse_sweeps_total', help: 'Due-work sweeps run', labelNames: ['kind'] as const, registers: [registry] }),
    transitions: new Counter({ name: 'checkout_pulse_sweep_transitions_total', help: 'Transitions applied by sweeps', labelNames: ['kind'] as const, registers: [registry] }),
    sweepLag: new Gauge({
      name: 'checkout_pulse_sweep_lag_seconds', registers: [registry],
      help: 'How late this node\'s last sweep pass took up due work: now minus the due time of the most overdue tenant it claimed (0 when none was due)',
    }),
    sweepPassDuration: new Histogram({
      name: 'checkout_pulse_sweep_pass_duration_seconds', help: 'Duration of one sweep pass over every shard', registers: [registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    changeFeedLag: new Histogram({
      name: 'checkout_pulse_change_feed_lag_seconds', registers: [registry],
      help: 'From an event\'s stream id time (Redis\'s clock) to its delivery to this node\'s boards and pages',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    changeFeedGapFills: new Counter({
      name: 'checkout_pulse_change_feed_gap_fills_total', registers: [registry],
      help: 'Gaps in the change notices (a lost notice, a resubscription) filled with events read from the stream',
    }),
    recoveredSessions: new Counter({ name: 'checkout_pulse_recovered_sessions_total', help: 'Sessions completed after a recovery message', labelNames: ['mode'] as const, registers: [registry] }),
    recoveredRevenue: new Counter({ name: 'checkout_pulse_recovered_revenue_minor_units_total', help: 'Revenue of recovered sessions, in minor units', labelNames: ['mode', 'currency'] as const, registers: [registry] }),
    httpDuration: new Histogram({
      name: 'checkout_pulse_http_request_duration_seconds', help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'] as const, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Webhook deliveries pending over every shard, read when scraped (one GET per shard of the counts
 * the scripts keep): the same figure on every node. NaN while Redis cannot be read, so a scrape
 * still answers with the rest.
 */
export function watchWebhookBacklog(metrics: Metrics, pending: () => Promise<number>): void {
  new Gauge({
    name: 'checkout_pulse_webhook_backlog', help: 'Webhook deliveries enqueued and not yet delivered or given up (due, on their way, or waiting to retry)',
    registers: [metrics.registry],
    async collect() {
      try {
        this.set(await pending());
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}

/** Redis as this node sees it: whether its command connection is ready, and how often it failed. */
export function watchRedis(metrics: Metrics, redis: RedisClient): void {
  new Gauge({
    name: 'checkout_pulse_redis_ready', help: '1 while this node\'s Redis command connection is ready', registers: [metrics.registry],
    collect() {
      this.set(redis.status === 'ready' ? 1 : 0);
    },
  });
  const errors = new Counter({ name: 'checkout_pulse_redis_connection_errors_total', help: 'Errors on this node\'s Redis command connection', registers: [metrics.registry] });
  redis.on('error', () => errors.inc());
}
