import { Router, type RequestHandler } from 'express';
import type { AppContext } from '../app-context.js';
import { safeEqual } from '../store/secrets.js';
import { ApiError } from './api-error.js';

/** Prometheus text of the node's metrics. */
export function metricsHandler(ctx: AppContext): RequestHandler {
  return async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  };
}

/**
 * Who may read `/metrics` on the public listener: nobody when it has its own listener
 * (`METRICS_PORT`), a bearer of `METRICS_TOKEN` when one is set, anyone only in the demo.
 * Its figures (revenue per mode and currency) are the merchants' business, not the public's.
 */
function metricsGate(ctx: AppContext): RequestHandler {
  const { METRICS_PORT, METRICS_TOKEN, DEMO } = ctx.config.env;
  return (req, _res, next) => {
    if (METRICS_PORT !== undefined) throw new ApiError('notFound');
    if (METRICS_TOKEN !== undefined) {
      const given = /^Bearer (.{1,256})$/.exec(req.get('authorization') ?? '')?.[1];
      if (!given || !safeEqual(given, METRICS_TOKEN)) throw new ApiError('unauthorized');
      return next();
    }
    if (!DEMO) throw new ApiError('notFound');
    next();
  };
}

/** `/healthz` (the process lives), `/readyz` (Redis answers, not draining), `/metrics`. */
export function opsRouter(ctx: AppContext, isDraining: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', node: ctx.nodeId });
  });
  router.get('/readyz', async (_req, res) => {
    if (isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await Promise.race([
        ctx.health.check(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000).unref()),
      ]);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'redis unreachable' });
    }
  });
  router.get('/metrics', metricsGate(ctx), metricsHandler(ctx));
  return router;
}
