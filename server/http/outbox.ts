import { Router } from 'express';
import { sessionLookupQuery } from '../../shared/session.js';
import type { AppContext } from '../app-context.js';
import { parseOr400 } from './api-error.js';
import { authOf, tenantFor } from './auth.js';

/** `GET /v1/outbox`: mail kept for the merchant when no SMTP server is configured (the demo's inbox). */
export function outboxRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseOr400(sessionLookupQuery, req.query);
    const tenant = tenantFor(authOf(res), query.domainAmbient);
    res.json({ data: await ctx.mailer.outbox(tenant) });
  });
  return router;
}
