import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppContext } from '../app-context.js';
import { sha256 } from '../store/secrets.js';
import { ApiError } from './api-error.js';

const WINDOW_SECONDS = 60;

function limiter(ctx: AppContext, name: string, points: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: ctx.redis,
    keyPrefix: `cp:rl:${name}`,
    points,
    duration: WINDOW_SECONDS,
    rejectIfRedisNotReady: true,
    // Redis away: each node keeps counting on its own rather than letting everything through.
    insuranceLimiter: new RateLimiterMemory({ points, duration: WINDOW_SECONDS }),
  });
}

/**
 * Per client IP and per API key limits, counted in Redis so every node shares them. A refused
 * request gets the 429 envelope with `retryAfterMinutes` and a `Retry-After` header in seconds.
 * Keys are counted by their hash whether or not they are valid, so guessing keys costs the IP too.
 */
export function apiRateLimit(ctx: AppContext): RequestHandler {
  const { RATE_LIMIT_PER_IP: perIp, RATE_LIMIT_PER_KEY: perKey } = ctx.config.env;
  const byIp = perIp > 0 ? limiter(ctx, 'ip', perIp) : undefined;
  const byKey = perKey > 0 ? limiter(ctx, 'key', perKey) : undefined;
  return async (req, res, next) => {
    const key = req.get('selectkey');
    try {
      await Promise.all([
        byIp?.consume(req.ip ?? 'unknown'),
        key && byKey ? byKey.consume(sha256(key)) : undefined,
      ]);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new ApiError('tooManyRequests', { retryAfterMinutes: Math.ceil(seconds / 60) });
    }
    next();
  };
}
