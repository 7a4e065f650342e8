import type { Logger } from '../../log.js';
import type { PageClose, PresenceStore } from '../../store/presence-store.js';

/** Closes in one script call at most. */
const MAX_CLOSES_PER_CALL = 64;
/** Calls of one shard out at once. */
const CALLS_PER_SHARD = 4;

interface ShardQueue {
  closes: PageClose[];
  writers: number;
}

/**
 * Page closes, written in group commits. A close goes to Redis at once while its shard has a call
 * free; closes that come meanwhile wait and go together, a few dozen per call whatever their
 * tenants. When all of a node's pages close at the same moment (their network dropped, a balancer
 * restarted), ten thousand closes are a few hundred calls, not ten thousand, the last of which
 * would wait out the command deadline. A close that cannot be written (its shard is away) is left
 * to its lease, which lapses within the presence timeout; so are those queued behind it.
 */
export class CloseBatcher {
  private readonly queues = new Map<string, ShardQueue>();

  constructor(private readonly store: PresenceStore, private readonly logger: Logger) {}

  close(close: PageClose): void {
    const shard = this.store.shardOf(close.prefix);
    let queue = this.queues.get(shard);
    if (!queue) this.queues.set(shard, (queue = { closes: [], writers: 0 }));
    queue.closes.push(close);
    if (queue.writers < CALLS_PER_SHARD) void this.write(shard, queue);
  }

  /** Closes queued or being written, on every shard (tests, shutdown). */
  get pending(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.closes.length + queue.writers;
    return count;
  }

  private async write(shard: string, queue: ShardQueue): Promise<void> {
    queue.writers++;
    try {
      while (queue.closes.length > 0) {
        const call = queue.closes.length <= MAX_CLOSES_PER_CALL ? queue.closes : queue.closes.slice(0, MAX_CLOSES_PER_CALL);
        queue.closes = call === queue.closes ? [] : queue.closes.slice(MAX_CLOSES_PER_CALL);
        try {
          await this.store.disconnectShard(call);
        } catch (error) {
          const dropped = queue.closes.length;
          queue.closes = [];
          this.logger.warn({ err: error, closes: call.length + dropped }, 'page closes not written; their leases will lapse');
        }
      }
    } finally {
      queue.writers--;
      if (queue.writers === 0 && queue.closes.length === 0 && this.queues.get(shard) === queue) this.queues.delete(shard);
    }
  }
}
