import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { METRICS_HEADERS } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

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
