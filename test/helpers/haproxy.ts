import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../server/redis/free-port.js';
import { eventually } from './wait.js';

export const SHIPPED_CONFIG = fileURLToPath(new URL('../../deploy/haproxy.cfg', import.meta.url));

export interface TestBalancer {
  port: number;
  url: string;
  /** Resolves once the health checks hold all three nodes UP. */
  nodesUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BalancerOptions {
  /** The three node addresses (`127.0.0.1:port`), in the config's order. */
  nodes: readonly [string, string, string];
  /** Health check interval, e.g. `200ms`. */
  checkInterval?: string;
  /**
   * The shipped config with its stickiness taken out and round-robin balancing: the balancer of
   * the findings, under which long-polling pages cannot connect.
   */
  nonSticky?: boolean;
}

/**
 * A real HAProxy running deploy/haproxy.cfg on a free port, its nodes and timings set through the
 * environment variables the file reads. Only the non-sticky variant edits the file's text.
 */
export async function startBalancer(options: BalancerOptions): Promise<TestBalancer> {
  const port = await freePort();
  const statsPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cp-haproxy-'));
  let config = SHIPPED_CONFIG;
  if (options.nonSticky) {
    const text = readFileSync(SHIPPED_CONFIG, 'utf8')
      .replace(/^\s*stick.*$/gm, '')
      .replace(/balance leastconn/, 'balance roundrobin');
    config = join(dir, 'haproxy.cfg');
    writeFileSync(config, text);
  }
  const child = spawn('haproxy', ['-db', '-f', config], {
    env: {
      ...process.env,
      PULSE_BIND: `127.0.0.1:${port}`,
      PULSE_NODE1: options.nodes[0],
      PULSE_NODE2: options.nodes[1],
      PULSE_NODE3: options.nodes[2],
      PULSE_CHECK_INTERVAL: options.checkInterval ?? '200ms',
      // Nodes on a busy test machine answer slowly at times; a crash is still seen at once (refused).
      PULSE_CHECK_TIMEOUT: '3s',
      PULSE_MAXCONN: '2000',
      PULSE_STATS_BIND: `127.0.0.1:${statsPort}`,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${stderr}`);
    await fetch(`${url}/healthz`);
  }, 10_000, 50);
  return {
    port,
    url,
    nodesUp: (timeoutMs = 10_000) => eventually(() => allNodesUp(`http://127.0.0.1:${statsPort}`), timeoutMs, 50),
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once HAProxy's health checks hold every node UP (read from its stats, as an operator would). */
async function allNodesUp(statsUrl: string): Promise<void> {
  const csv = await (await fetch(`${statsUrl}/stats;csv`)).text();
  const [header = '', ...rows] = csv.split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (row: string[], name: string) => row[columns.indexOf(name)];
  const servers = rows.map((line) => line.split(',')).filter((row) => at(row, 'pxname') === 'pulse_nodes' && /^node\d$/.test(at(row, 'svname') ?? ''));
  const down = servers.filter((row) => at(row, 'status') !== 'UP').map((row) => at(row, 'svname'));
  if (servers.length !== 3 || down.length > 0) throw new Error(`nodes not UP: ${down.join(', ')}`);
}
