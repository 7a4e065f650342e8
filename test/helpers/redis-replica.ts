import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer } from '../../server/redis/embedded.js';
import { eventually } from './wait.js';

export interface TestReplica {
  url: string;
  /** A plain client of the replica (closed by `stop`). */
  client: Redis;
  stop(): Promise<void>;
}

/**
 * A private `redis-server` replicating the one on `primaryPort`, resolved once its link is up and it
 * has caught up. A primary keeps a replication offset only while it has a backlog, i.e. once some
 * replica has connected: a test of what is replicated needs one.
 */
export async function startReplica(primaryPort: number): Promise<TestReplica> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-replica-'));
  const server = await startRedisServer({ dir, persist: false, extraArgs: ['--replicaof', '127.0.0.1', String(primaryPort)] });
  const client = new Redis(server.url, { lazyConnect: false });
  await eventually(async () => {
    const info = await client.info('replication');
    if (!info.includes('master_link_status:up')) throw new Error('replica link not up yet');
  }, 10_000);
  return {
    url: server.url,
    client,
    async stop() {
      client.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One numeric field of an `INFO` section. */
export function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(-?\\d+)`, 'm').exec(info);
  if (!match?.[1]) throw new Error(`INFO has no ${field}`);
  return Number(match[1]);
}
