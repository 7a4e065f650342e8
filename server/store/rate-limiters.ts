import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis/connect.js';
import { keys } from './keys.js';

/** Request counters shared by every node, kept in Redis under `keys.rateLimit`. */
export class RateLimiters {
  constructor(private readonly redis: RedisClient) {}

  /** A limiter of `points` per `windowSeconds` for one kind of caller (`name`: ip, key, …). */
  limiter(name: string, points: number, windowSeconds: number): RateLimiterRedis {
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: keys.rateLimit(name),
      points,
      duration: windowSeconds,
      rejectIfRedisNotReady: true,
      // Redis away: each node keeps counting on its own rather than letting everything through.
      insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
    });
  }
}
