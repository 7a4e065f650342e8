import type { RequestHandler, Response } from 'express';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AppContext } from '../app-context.js';
import { sha256 } from '../store/secrets.js';
import { ApiError } from './api-error.js';
import type { Limiter } from '../store/rate-limiters.js';

const WINDOW_SECONDS = 60;

export function limiter(ctx: AppContext, name: string, points: number): Limiter {
  return ctx.rateLimiters.limiter(name, points, WINDOW_SECONDS);
}

/** A limiter's refusal as the API's 429 with `Retry-After`; any other error goes on as it is. */
function tooManyRequests(rejection: unknown, res: Response): never {
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  res.setHeader('Retry-After', String(seconds));
  throw new ApiError('tooManyRequests', { retryAfterMinutes: Math.ceil(seconds / 60) });
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
      tooManyRequests(rejection, res);
    }
    next();
  };
}

/** Routes that take a credential without an API key: each guess costs the caller's IP. */
function takesCredential(path: string, query: unknown): boolean {
  if (path === '/board') return typeof query === 'object' && query !== null && 'token' in query;
  return path === '/board/session' || path === '/metrics' || path.startsWith('/recover/');
}

/**
 * Per client IP limit on the unauthenticated routes that check a secret (board links and sign-in,
 * recovery links, metrics), so they cannot be used to guess tokens or to load the node.
 */
export function credentialRateLimit(ctx: AppContext): RequestHandler {
  const points = ctx.config.env.RATE_LIMIT_AUTH_PER_IP;
  const byIp = points > 0 ? limiter(ctx, 'auth-ip', points) : undefined;
  return async (req, res, next) => {
    if (!byIp || !takesCredential(req.path, req.query)) return next();
    try {
      await byIp.consume(req.ip ?? 'unknown');
    } catch (rejection) {
      tooManyRequests(rejection, res);
    }
    next();
  };
}
