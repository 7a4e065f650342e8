import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type EmbeddedRedis } from '../../server/redis/embedded.js';

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL when `hard`) and starts it again on the same port and data. */
  restart(options?: { hard?: boolean; downMs?: number }): Promise<void>;
  /** Kills the server (a crash) and leaves it down until `up()`. */
  down(): Promise<void>;
  /** Starts it again on the same port and data. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** A private redis-server on a free port, with its own data folder, for one test file. */
export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-redis-'));
  let server: EmbeddedRedis = await startRedisServer({ dir, persist: true });
  const port = server.port;
  return {
    url: server.url,
    port,
    async restart({ hard = false, downMs = 0 } = {}) {
      await server.stop(hard ? 'SIGKILL' : 'SIGTERM');
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      server = await startRedisServer({ dir, persist: true, port });
    },
    async down() {
      await server.stop('SIGKILL');
    },
    async up() {
      server = await startRedisServer({ dir, persist: true, port });
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
