import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/connect.js';
import { keys } from './keys.js';

/**
 * How long a count waits for Redis before the node counts on its own. A counter lives on one shard,
 * whichever its key hashes to, rarely the caller's merchant's: were that shard frozen, every call
 * of that client would first wait out the command deadline, a healthy merchant's included, and a
 * call to a merchant on the frozen shard would wait it out twice before its 503.
 */
export const RATE_LIMIT_WAIT_MS = 50;

/** A limit counted in Redis, so every node shares it; this node's own count stands in when Redis does not answer. */
export class Limiter {
  constructor(private readonly shared: RateLimiterRedis, private readonly local: RateLimiterMemory) {}

  /** Takes a point for `key`; rejects with a RateLimiterRes when none is left. */
  consume(key: string): Promise<RateLimiterRes> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const countLocally = () => {
        settled = true;
        this.local.consume(key).then(resolve, reject);
      };
      // On expiry, the answer is awaited one turn more: a reply that arrived while the event loop
      // was busy (a long GC) is read before the wait counts as unanswered.
      const timer = setTimeout(() => setImmediate(() => {
        if (!settled) countLocally();
      }), RATE_LIMIT_WAIT_MS);
      this.shared.consume(key).then((res) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(res);
      }, (error: unknown) => {
        if (settled) return;
        clearTimeout(timer);
        if (error instanceof RateLimiterRes) {
          settled = true;
          reject(error);
        } else {
          countLocally();
        }
      });
    });
  }
}

/** Request counters shared by every node, kept in Redis under `keys.rateLimit`. */
export class RateLimiters {
  constructor(private readonly redis: RedisClient) {}

  /** A limiter of `points` per `windowSeconds` for one kind of caller (`name`: ip, key, …). */
  limiter(name: string, points: number, windowSeconds: number): Limiter {
    const shared = new RateLimiterRedis({ storeClient: this.redis, keyPrefix: keys.rateLimit(name), points, duration: windowSeconds, rejectIfRedisNotReady: true });
    // Redis away or slow: each node keeps counting on its own rather than letting everything through.
    return new Limiter(shared, new RateLimiterMemory({ points, duration: windowSeconds }));
  }
}
