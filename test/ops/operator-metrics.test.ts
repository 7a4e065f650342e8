import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { METRICS_HEADERS } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { useTestNode } from '../helpers/suite.js';

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
      'checkout_pulse_sweeps_total', 'checkout_pulse_redis_ready', 'checkout_pulse_redis_connection_errors_total']) {
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

describe('sweep lag', () => {
  // A node of its own (sweeps by hand, time by hand) over a Redis of its own: the node process
  // above sweeps with the real clock and would take this node's due work.
  const clock = new ManualClock();
  const suite = useTestNode({ clock, background: false });

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


});
