import type { Clock } from '../clock.js';

export interface BucketRule {
  /** Tokens a bucket starts with and holds at most: the burst allowed. */
  burst: number;
  /** Milliseconds to earn one token back. */
  refillMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by key, in memory: a budget of actions per socket, identity or session on this
 * node. A bucket that is full again holds no information and is dropped on the next sweep, so
 * memory follows the keys that are busy now.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(private readonly clock: Clock, private readonly rule: BucketRule) {
    this.lastSweep = clock.now();
  }

  /** Takes a token for `key`; false (nothing taken) when the bucket is empty. */
  take(key: string): boolean {
    const now = this.clock.now();
    this.sweep(now);
    const bucket = this.refilled(key, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Milliseconds until `key` has a token again (0 when it has one). */
  waitMs(key: string): number {
    const bucket = this.refilled(key, this.clock.now());
    return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) * this.rule.refillMs);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.rule.burst, at: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.rule.burst, bucket.tokens + (now - bucket.at) / this.rule.refillMs);
    bucket.at = now;
    return bucket;
  }

  private sweep(now: number): void {
    const fullAfterMs = this.rule.burst * this.rule.refillMs;
    if (now - this.lastSweep < fullAfterMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) / this.rule.refillMs >= this.rule.burst) this.buckets.delete(key);
    }
  }
}
