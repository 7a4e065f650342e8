import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { pendingWebhooksKey, scheduleKeysOf } from '../../server/store/schedule-keys.js';
import type { CreatedWebhookEndpoint } from '../../shared/webhooks.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard } from '../helpers/board-client.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { METRICS_HEADERS, startNode, type TestNode } from '../helpers/node.js';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { pump, WEBHOOK_ENV } from '../webhooks/helpers.js';

const deploy = (file: string) => readFileSync(fileURLToPath(new URL(`../../deploy/${file}`, import.meta.url)), 'utf8');

/** Every metric name a text mentions (ours and Node's; `up` is Prometheus's own). */
function metricNames(text: string): Set<string> {
  return new Set(text.match(/\b(?:checkout_pulse|nodejs|process)_[a-z0-9_]+/g) ?? []);
}

/** The dashboard's queries, nothing else of its JSON (titles and descriptions may name anything). */
function dashboardQueries(): string {
  const dashboard = JSON.parse(deploy('grafana-dashboard.json')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).join('\n');
}

let redis: TestRedis;
let node: NodeProcess;
beforeAll(async () => {
  redis = await startTestRedis();
  // The real entry (server/main.ts): what operators scrape, with every metric it registers.
  node = await startNodeProcess(redis.url);
});
afterAll(async () => {
  await node?.kill('SIGKILL');
  await redis?.stop();
});

describe('deploy/grafana-dashboard.json and deploy/alerts.yml', () => {
  it('use only metrics a live node exports at /metrics', async () => {
    const exposition = await (await fetch(`${node.url}/metrics`, { headers: METRICS_HEADERS })).text();
    const exported = new Set<string>();
    for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name!);
      if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_count', '_sum']) exported.add(`${name}${suffix}`);
    }
    const used = new Set([...metricNames(dashboardQueries()), ...metricNames(deploy('alerts.yml'))]);
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    // What the issue asks operators to see, each covered.
    for (const name of ['checkout_pulse_page_connections', 'checkout_pulse_heartbeats_total', 'checkout_pulse_sweep_transitions_total',
      'checkout_pulse_sweeps_total', 'checkout_pulse_redis_ready', 'checkout_pulse_redis_connection_errors_total',
      'checkout_pulse_sweep_lag_seconds', 'checkout_pulse_sweep_pass_duration_seconds_count', 'checkout_pulse_change_feed_lag_seconds_bucket',
      'checkout_pulse_change_feed_gap_fills_total', 'checkout_pulse_webhook_backlog']) {
      expect(used, name).toContain(name);
    }
  });
});

/** One node's /metrics as `name{labels}` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: METRICS_HEADERS })).text();
  const samples = new Map<string, number>();
  for (const [, series, value] of text.matchAll(/^([a-z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/gm)) samples.set(series!, Number(value));
  return samples;
}

/** A sample that must be there. */
function value(samples: Map<string, number>, series: string): number {
  const found = samples.get(series);
  if (found === undefined) throw new Error(`${series} not exported`);
  return found;
}

describe('sweep lag, change feed lag and webhook backlog', () => {
  // A node of its own (sweeps by hand, time by hand) over a Redis of its own: the node process
  // above sweeps with the real clock and would take this node's due work.
  const clock = new ManualClock();
  const suite = useTestNode({ clock, background: false, env: WEBHOOK_ENV });

  it('sweep lag: how long past its due time the most overdue tenant of the last pass was', async () => {
    const { node } = suite;
    await node.app.sweeper.tick();
    let samples = await scrape(node.url);
    expect(value(samples, 'checkout_pulse_sweep_lag_seconds')).toBe(0);
    const passes = value(samples, 'checkout_pulse_sweep_pass_duration_seconds_count');

    const { api } = await newMerchant(node.ctx, node.url);
    await createSession(api, { expiresInMs: 60_000 });
    // Swept 4 s after the session was due to expire.
    clock.advance(64_000);
    expect(await node.app.sweeper.tick()).toBe(1);
    samples = await scrape(node.url);
    expect(value(samples, 'checkout_pulse_sweep_lag_seconds')).toBe(4);
    expect(value(samples, 'checkout_pulse_sweep_transitions_total{kind="expire"}')).toBe(1);
    expect(value(samples, 'checkout_pulse_sweep_pass_duration_seconds_count')).toBe(passes + 1);

    // Nothing due: the next pass was on time.
    await node.app.sweeper.tick();
    expect(value(await scrape(node.url), 'checkout_pulse_sweep_lag_seconds')).toBe(0);
  });

  it('change feed lag: from the event\'s stream id time to its delivery to a board; a lost notice is a gap filled', async () => {
    const { node } = suite;
    const { api, merchantId } = await newMerchant(node.ctx, node.url);
    const tenant: Tenant = { merchantId, mode: 'test' };
    const token = await new BoardTokenStore(node.ctx.redis, node.ctx.clock).create(tenant);
    const board = await openBoard(node.url, await boardCookie(node.url, token));
    await board.hello();
    await eventually(() => expect(board.snapshots).toHaveLength(1));
    const before = await scrape(node.url);
    const bucket = (samples: Map<string, number>, le: string) => value(samples, `checkout_pulse_change_feed_lag_seconds_bucket{le="${le}"}`);

    // The node's clock 10 s ahead of Redis's (which stamps the ids): each event arrives 10 s late,
    // less the few milliseconds it really took.
    clock.set(Date.now() + 10_000);
    await createSession(api);
    await createSession(api);
    await eventually(() => expect(board.events).toHaveLength(2));
    const late = await scrape(node.url);
    expect(bucket(late, '5') - bucket(before, '5')).toBe(0);
    expect(bucket(late, '10') - bucket(before, '10')).toBe(2);
    expect(value(late, 'checkout_pulse_change_feed_lag_seconds_count') - value(before, 'checkout_pulse_change_feed_lag_seconds_count')).toBe(2);

    // An event whose notice never comes: the next notice shows the gap, filled from the stream.
    const prefix = tenantPrefix(tenant);
    await node.ctx.redis.xadd(keys.stream(prefix), '*', 'k', 'details_provided', 's', board.events[0]!.sessionId, 'at', String(clock.now()), 'p', '{}');
    await createSession(api);
    await eventually(() => expect(board.events).toHaveLength(4));
    const filled = await scrape(node.url);
    expect(value(filled, 'checkout_pulse_change_feed_gap_fills_total') - value(before, 'checkout_pulse_change_feed_gap_fills_total')).toBe(1);
    expect(value(filled, 'checkout_pulse_change_feed_lag_seconds_count') - value(before, 'checkout_pulse_change_feed_lag_seconds_count')).toBe(4);
    board.close();
  });

  it('webhook backlog: deliveries enqueued and not yet delivered, over every shard', async () => {
    const { node } = suite;
    const answers = [500, 500];
    const hooks = await startWebhookReceiver((_delivery, index) => answers[index] ?? 200);
    try {
      const { api } = await newMerchant(node.ctx, node.url);
      const endpoint = (await api.post<CreatedWebhookEndpoint>('/v1/webhook_endpoints', { url: hooks.url, events: ['created'] })).body;
      const backlog = async () => value(await scrape(node.url), 'checkout_pulse_webhook_backlog');
      const before = await backlog();

      await createSession(api);
      await createSession(api);
      expect(await backlog()).toBe(before + 2);
      // Both refused: still pending, waiting for their retry.
      await pump(node);
      expect(hooks.received).toHaveLength(2);
      expect(await backlog()).toBe(before + 2);
      clock.advance(10_000);
      await pump(node);
      expect(hooks.received).toHaveLength(4);
      expect(await backlog()).toBe(before);

      // A delivery dropped with its endpoint leaves the backlog too.
      await createSession(api);
      expect(await backlog()).toBe(before + 1);
      expect((await api.delete(`/v1/webhook_endpoints/${endpoint.id}`)).status).toBe(200);
      await pump(node);
      expect(await backlog()).toBe(before);
    } finally {
      await hooks.close();
    }
  });
});

describe('webhook backlog on a 3-master Cluster', { timeout: 60_000 }, () => {
  const clock = new ManualClock();
  let cluster: TestCluster;
  let node: TestNode;
  beforeAll(async () => {
    cluster = await startTestCluster();
    node = await startNode(cluster.url, { clock, background: false, env: { ...WEBHOOK_ENV, REDIS_CLUSTER: 'true' } });
  });
  afterAll(async () => {
    await node?.close();
    await cluster?.stop();
  });

  it('each shard counts its merchants\' pending deliveries; the metric is their sum', async () => {
    const hooks = await startWebhookReceiver();
    try {
      const schedule = scheduleKeysOf(node.ctx.redis);
      // Merchants until two shards hold some.
      const merchants: Array<Awaited<ReturnType<typeof newMerchant>>> = [];
      while (new Set(merchants.map((m) => schedule.keyFor(tenantPrefix({ merchantId: m.merchantId, mode: 'test' })))).size < 2) {
        merchants.push(await newMerchant(node.ctx, node.url));
      }
      for (const { api } of merchants) {
        expect((await api.post('/v1/webhook_endpoints', { url: hooks.url, events: ['created'] })).status).toBe(201);
        await createSession(api);
      }
      const perShard = await Promise.all(schedule.all().map(async (key) => Number(await node.ctx.redis.get(pendingWebhooksKey(key)) ?? 0)));
      expect(perShard.filter((count) => count > 0).length).toBeGreaterThanOrEqual(2);
      expect(value(await scrape(node.url), 'checkout_pulse_webhook_backlog')).toBe(merchants.length);

      await pump(node);
      expect(hooks.received).toHaveLength(merchants.length);
      expect(value(await scrape(node.url), 'checkout_pulse_webhook_backlog')).toBe(0);
    } finally {
      await hooks.close();
    }
  });
});
