import { Cluster, Redis, type ClusterNode, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import { armDeadline, deadlinesFromQueueing } from './command-deadline.js';
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
   * A command without a reply this long after it was issued fails with RedisUnavailableError,
   * queued or sent, and while the connection is lost commands fail at once; on a Cluster, so do the
   * commands of a shard whose master closed its connections or that Redis reports down (CLUSTERDOWN).
   * The API answers 503 at once instead of hanging on a stopped or failing-over Redis. Never on a
   * connection that blocks (XREAD BLOCK), whose commands wait on purpose.
   */
  commandTimeoutMs?: number;
}

/** Replies keep the RESP2 shapes every caller reads. */
type LegacyOptions = RedisOptions & { replyMapping?: 'legacy' };
type LegacyClusterOptions = ClusterOptions & { redisOptions: { replyMapping?: 'legacy' } };

const BASE: LegacyOptions = {
  // Keep retrying forever with a capped backoff: Redis coming back must heal the node by itself.
  retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
  maxRetriesPerRequest: 2,
};

/**
 * A Cluster client's own retries while a shard has no master, off for connections with a command
 * deadline. On a closed connection to a master (it died) ioredis waits 100 ms, reloads the slots and
 * tries again, and on CLUSTERDOWN (no master for a slot: the cluster refuses every command until a
 * replica is promoted) likewise, over and over until a promotion seconds later; a pipeline's
 * commands start a new timeout with each try, and the pipelines queued behind it on that node wait
 * too. The promotion is `cluster-node-timeout` plus an election away, so waiting buys nothing
 * within a deadline: the command fails at once and the caller answers "retry shortly". Those
 * retries were also what reloaded the slots: PulseCluster does that itself on such failures.
 * Redirections (MOVED, ASK) are still followed.
 */
const FAIL_FAST_CLUSTER: Pick<ClusterOptions, 'retryDelayOnFailover' | 'retryDelayOnClusterDown'> = { retryDelayOnFailover: 0, retryDelayOnClusterDown: 0 };

/**
 * At most one reload of a Cluster's slots per this long while its commands fail: enough to find a
 * promoted master within a moment of the promotion, without a reload per failed command.
 */
const SLOTS_RELOAD_GAP_MS = 100;

/**
 * The rejecter this module installed on a command (a pipeline retried by a Cluster re-initializes
 * its commands' promises). Kept on the command: a WeakSet of them would keep, for good, a table as
 * large as the most commands ever in flight between two collections.
 */
const CLASSIFIER = Symbol('classifier');
type Classified = Command & { [CLASSIFIER]?: Command['reject'] };

/** Every rejection of the command reaches its caller as a reply error or a RedisUnavailableError. */
function classifyRejection(command: Classified, onUnavailable?: () => void): void {
  if (command[CLASSIFIER] === command.reject) return;
  const reject = command.reject;
  command.reject = command[CLASSIFIER] = (error) => {
    const named = classifyCommandError(error);
    if (onUnavailable && named instanceof RedisUnavailableError) onUnavailable();
    reject(named);
  };
}

// Every command of a client passes its sendCommand, pipelined and auto-pipelined ones included
// (a Cluster's too, before it picks a node), so this is the one place failures are named.
class PulseRedis extends Redis {
  /** The connection was lost and has not been ready since. */
  private away = false;

  constructor(url: string, options: LegacyOptions, private readonly commandTimeoutMs?: number) {
    super(url, options);
    this.on('close', () => {
      if (this.commandTimeoutMs) this.away = true;
    });
    this.on('ready', () => {
      this.away = false;
    });
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    classifyRejection(command);
    if (this.commandTimeoutMs) {
      // Its deadline passed while it waited offline: a write the caller was told failed is not sent late.
      if (!stream && command.isSettled) return command.promise;
      armDeadline(command, this.commandTimeoutMs);
    }
    // Queued commands would each wait out the timeout, and auto-pipelines run one at a time, so a
    // request of two commands would take two timeouts: once Redis is known away, fail at once.
    // (Connected but not ready is the handshake, whose own commands must pass.)
    if (this.away && this.status !== 'ready' && this.status !== 'connect') {
      command.reject(new RedisUnavailableError('connection lost; reconnecting'));
      return command.promise;
    }
    return super.sendCommand(command, stream);
  }

  override pipeline(commands?: unknown[][]): ReturnType<Redis['pipeline']> {
    const pipeline = super.pipeline(commands);
    return this.commandTimeoutMs ? deadlinesFromQueueing(pipeline, this.commandTimeoutMs) : pipeline;
  }
}

class PulseCluster extends Cluster {
  private slotsReloadedAt = -Infinity;

  constructor(seeds: ClusterNode[], options: LegacyClusterOptions, private readonly commandTimeoutMs?: number) {
    super(seeds, options);
  }

  override sendCommand(command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: Parameters<Cluster['sendCommand']>[2]): unknown {
    classifyRejection(command, this.commandTimeoutMs ? this.reloadSlots : undefined);
    if (this.commandTimeoutMs) {
      // Its deadline passed in the offline queue: a write the caller was told failed is not sent late.
      if (!stream && !node && command.isSettled) return command.promise;
      armDeadline(command, this.commandTimeoutMs);
    }
    return super.sendCommand(command, stream, node);
  }

  override pipeline(commands?: unknown[][]): ReturnType<Cluster['pipeline']> {
    const pipeline = super.pipeline(commands);
    return this.commandTimeoutMs ? deadlinesFromQueueing(pipeline, this.commandTimeoutMs) : pipeline;
  }

  /**
   * A command failed for want of its shard: the slots may have a new master. A master that stopped
   * answering without closing its connections (a frozen host) would otherwise keep its slots here
   * after its replica's promotion, and each command sent to it would wait out its deadline.
   */
  private readonly reloadSlots = (): void => {
    const now = performance.now();
    if (now - this.slotsReloadedAt < SLOTS_RELOAD_GAP_MS) return;
    this.slotsReloadedAt = now;
    this.refreshSlotsCache();
  };
}

/** A connection from `REDIS_URL`; with `cluster`, an ioredis Cluster seeded by that URL. */
export function connectRedis(options: ConnectOptions): RedisClient {
  const extra: LegacyOptions = {
    ...BASE,
    ...(options.name ? { connectionName: options.name } : {}),
    enableOfflineQueue: options.offlineQueue ?? true,
    enableAutoPipelining: options.autoPipelining ?? true,
  };
  if (options.cluster) {
    const url = new URL(options.url);
    const seeds: ClusterNode[] = [{ host: url.hostname, port: Number(url.port || 6379) }];
    const clusterOptions: LegacyClusterOptions = {
      redisOptions: { ...extra, ...(url.password ? { password: decodeURIComponent(url.password) } : {}) },
      enableAutoPipelining: extra.enableAutoPipelining,
      ...(options.shardedSubscribers ? { shardedSubscribers: true } : {}),
      ...(options.commandTimeoutMs ? FAIL_FAST_CLUSTER : {}),
    };
    return new PulseCluster(seeds, clusterOptions, options.commandTimeoutMs);
  }
  return new PulseRedis(options.url, extra, options.commandTimeoutMs);
}
