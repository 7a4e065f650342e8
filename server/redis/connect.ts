import { Cluster, Redis, type ClusterNode, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import { classifyCommandError, RedisUnavailableError } from './unavailable.js';

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
  /**
   * A command without a reply by then fails with RedisUnavailableError, queued or sent, and while
   * the connection is lost commands fail at once: the API answers 503 at once instead of hanging
   * on a stopped or failing-over Redis. Never on a connection that blocks (XREAD BLOCK), whose
   * commands wait on purpose.
   */
  commandTimeoutMs?: number;
}

/** Replies keep the RESP2 shapes every caller reads. */
type LegacyOptions = RedisOptions & { replyMapping?: 'legacy' };

const BASE: LegacyOptions = {
  // Keep retrying forever with a capped backoff: Redis coming back must heal the node by itself.
  retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
  maxRetriesPerRequest: 2,
};

/** The rejecters this module installed (a pipeline retried by a Cluster re-initializes its commands' promises). */
const classifying = new WeakSet<(error: Error) => void>();

/** Every rejection of the command reaches its caller as a reply error or a RedisUnavailableError. */
function classifyRejection(command: Command): void {
  if (classifying.has(command.reject)) return;
  const reject = command.reject;
  command.reject = (error) => reject(classifyCommandError(error));
  classifying.add(command.reject);
}

// Every command of a client passes its sendCommand, pipelined and auto-pipelined ones included
// (a Cluster's too, before it picks a node), so this is the one place failures are named.
class PulseRedis extends Redis {
  /** The connection was lost and has not been ready since. */
  private away = false;

  constructor(url: string, options: LegacyOptions, private readonly failFast: boolean) {
    super(url, options);
    this.on('close', () => {
      if (this.failFast) this.away = true;
    });
    this.on('ready', () => {
      this.away = false;
    });
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    classifyRejection(command);
    // Queued commands would each wait out the timeout, and auto-pipelines run one at a time, so a
    // request of two commands would take two timeouts: once Redis is known away, fail at once.
    // (Connected but not ready is the handshake, whose own commands must pass.)
    if (this.away && this.status !== 'ready' && this.status !== 'connect') {
      command.reject(new RedisUnavailableError('connection lost; reconnecting'));
      return command.promise;
    }
    return super.sendCommand(command, stream);
  }
}

class PulseCluster extends Cluster {
  override sendCommand(command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: Parameters<Cluster['sendCommand']>[2]): unknown {
    classifyRejection(command);
    return super.sendCommand(command, stream, node);
  }
}

/** A connection from `REDIS_URL`; with `cluster`, an ioredis Cluster seeded by that URL. */
export function connectRedis(options: ConnectOptions): RedisClient {
  const extra: LegacyOptions = {
    ...BASE,
    ...(options.name ? { connectionName: options.name } : {}),
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
    enableOfflineQueue: options.offlineQueue ?? true,
    enableAutoPipelining: options.autoPipelining ?? true,
  };
  if (options.cluster) {
    const url = new URL(options.url);
    const seeds: ClusterNode[] = [{ host: url.hostname, port: Number(url.port || 6379) }];
    const clusterOptions: ClusterOptions & { redisOptions: { replyMapping?: 'legacy' } } = {
      redisOptions: { ...extra, ...(url.password ? { password: decodeURIComponent(url.password) } : {}) },
      enableAutoPipelining: extra.enableAutoPipelining,
      ...(options.shardedSubscribers ? { shardedSubscribers: true } : {}),
    };
    return new PulseCluster(seeds, clusterOptions);
  }
  return new PulseRedis(options.url, extra, Boolean(options.commandTimeoutMs));
}
