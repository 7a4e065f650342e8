import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context.js';
import { requestIdOf } from './request-id.js';

/**
 * One structured line and one histogram sample per request. Routes are logged as their patterns
 * (`/v1/checkouts/sessions/:id`), never raw paths, so tokens in paths and queries stay out of logs.
 */
export function accessLog(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? `${req.baseUrl}${String((req.route as { path: string }).path)}` : 'unmatched';
      const status = res.statusCode;
      ctx.metrics.httpDuration.observe({ method: req.method, route, status: String(status) }, seconds);
      ctx.logger[status >= 500 ? 'error' : 'info']({ requestId: requestIdOf(res), method: req.method, route, status, ms: Math.round(seconds * 1e4) / 10 }, 'request');
    });
    next();
  };
}
