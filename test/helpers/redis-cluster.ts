import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedisServer, type EmbeddedRedis } from '../../server/redis/embedded.js';

const run = promisify(execFile);

export interface ClusterOptions {
  /** Replicas per master: 0 (three masters) or 1 (three masters, three replicas: failover). */
  replicas?: 0 | 1;
  /** How long a node may be unreachable before the others fail it over (Redis's default is 15 s). */
  nodeTimeoutMs?: number;
}

export interface TestCluster {
  /** A seed node's URL; connect with REDIS_CLUSTER=true. */
  url: string;
  /** Every server's URL (masters first), for commands that address one node (CLIENT LIST, CLIENT KILL). */
  urls: string[];
  /** Every server, masters first as created. */
  nodes: EmbeddedRedis[];
  /** The server that is master of a key's slot now. */
  masterOf(key: string): Promise<EmbeddedRedis>;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; !(await check()); attempt++) {
    if (attempt > 200) throw new Error(`${what} never happened`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Private redis-servers joined into a Cluster with every slot assigned (and replicas in sync, when asked). */
export async function startTestCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const replicas = options.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'cp-cluster-'));
  const nodes: EmbeddedRedis[] = [];
  for (let i = 0; i < 3 * (1 + replicas); i++) {
    nodes.push(await startRedisServer({
      dir: join(dir, String(i)),
      persist: false,
      extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 2000)],
    }));
  }
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes']);
  for (const node of nodes) {
    const client = new Redis(node.url, { lazyConnect: false });
    try {
      await waitFor(async () => (await client.cluster('INFO')).includes('cluster_state:ok'), 'cluster ready');
      const role = await client.info('replication');
      // A replica promoted before its first sync would come up empty.
      if (role.includes('role:slave')) await waitFor(async () => (await client.info('replication')).includes('master_link_status:up'), 'replica sync');
    } finally {
      client.disconnect();
    }
  }
  return {
    url: nodes[0]!.url,
    urls: nodes.map((n) => n.url),
    nodes,
    async masterOf(key) {
      for (const node of nodes) {
        // A frozen node (SIGSTOP) accepts the connection and never answers: give up on it soon.
        const client = new Redis(node.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500, commandTimeout: 500 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          const slot = Number(await client.cluster('KEYSLOT', key));
          const nodesText = String(await client.cluster('NODES'));
          for (const line of nodesText.split('\n')) {
            const [, address = '', flags = '', , , , , linkState, ...ranges] = line.split(' ');
            const live = !flags.includes('fail') && (linkState === 'connected' || flags.includes('myself'));
            if (!flags.split(',').includes('master') || !live) continue;
            const owns = ranges.some((range: string) => {
              const [from, to = from] = range.split('-').map(Number);
              return slot >= from! && slot <= to!;
            });
            const port = Number(address.split('@')[0]!.split(':')[1]);
            const owner = nodes.find((n) => n.port === port);
            if (owns && owner) return owner;
          }
        } catch {
          // a stopped node: ask the next
        } finally {
          client.disconnect();
        }
      }
      throw new Error(`no master for ${key}`);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
