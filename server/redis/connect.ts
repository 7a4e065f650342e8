import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

export interface ConnectOptions {
  url: string;
  cluster?: boolean;
  /** Client name shown by CLIENT LIST, for operators. */
  name?: string;
  /** For blocking readers: fail fast instead of queueing while Redis is away. */
  offlineQueue?: boolean;
  /**
   * Batch the commands of one event-loop turn into one write (default). A blocking reader has one
   * command out at a time, so batching only costs it a pipeline object per read.
   */
  autoPipelining?: boolean;
  /** A Cluster client that takes sharded pub/sub subscriptions (one subscriber per shard). */
  shardedSubscribers?: boolean;
}

const BASE: RedisOptions = {
  // Keep retrying forever with a capped backoff: Redis coming back must heal the node by itself.
  retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
  maxRetriesPerRequest: 2,
};

/** A connection from `REDIS_URL`; with `cluster`, an ioredis Cluster seeded by that URL. */
export function connectRedis(options: ConnectOptions): RedisClient {
  const extra: RedisOptions = {
    ...BASE,
    ...(options.name ? { connectionName: options.name } : {}),
    enableOfflineQueue: options.offlineQueue ?? true,
    enableAutoPipelining: options.autoPipelining ?? true,
  };
  if (options.cluster) {
    const url = new URL(options.url);
    return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
      redisOptions: { ...extra, ...(url.password ? { password: decodeURIComponent(url.password) } : {}) },
      enableAutoPipelining: extra.enableAutoPipelining,
      ...(options.shardedSubscribers ? { shardedSubscribers: true } : {}),
    });
  }
  return new Redis(options.url, extra);
}
