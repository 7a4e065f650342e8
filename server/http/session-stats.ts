import { Router } from 'express';
import { sessionStatsQuery } from '../../shared/session-stats.js';
import type { AppContext } from '../app-context.js';
import { readSessionStats, startOfUtcDay } from '../store/session-stats.js';
import { parseOr400 } from './api-error.js';
import { authOf, tenantFor } from './auth.js';

/** `GET /v1/checkouts/stats`: exact headline counts over every session (what the board's KPI strip shows). */
export function sessionStatsRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseOr400(sessionStatsQuery, req.query);
    const tenant = tenantFor(authOf(res), query.domainAmbient);
    const since = query.since ? Date.parse(query.since) : startOfUtcDay(ctx.clock.now());
    res.json(await readSessionStats(ctx.storeContext, tenant, since));
  });
  return router;
}
