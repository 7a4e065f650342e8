import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedisServer, type EmbeddedRedis } from '../../server/redis/embedded.js';

const run = promisify(execFile);

export interface TestCluster {
  /** A seed node's URL; connect with REDIS_CLUSTER=true. */
  url: string;
  /** Every master's URL, for commands that address one node (CLIENT LIST, CLIENT KILL). */
  urls: string[];
  stop(): Promise<void>;
}

/** Three private redis-server masters joined into a Cluster with every slot assigned. */
export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-cluster-'));
  const nodes: EmbeddedRedis[] = [];
  for (let i = 0; i < 3; i++) {
    nodes.push(await startRedisServer({
      dir: join(dir, String(i)),
      persist: false,
      extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
    }));
  }
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
  for (const node of nodes) {
    const client = new Redis(node.url, { lazyConnect: false });
    try {
      for (let attempt = 0; ; attempt++) {
        if ((await client.cluster('INFO')).includes('cluster_state:ok')) break;
        if (attempt > 100) throw new Error('cluster never became ready');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      client.disconnect();
    }
  }
  return {
    url: nodes[0]!.url,
    urls: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
