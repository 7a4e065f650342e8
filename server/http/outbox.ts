import { Router } from 'express';
import { sessionLookupQuery } from '../../shared/session.js';
import type { AppContext } from '../app-context.js';
import { ApiError, parseOr400 } from './api-error.js';
import { authOf, tenantFor } from './auth.js';

/**
 * `GET /v1/outbox`: mail kept for the merchant when no SMTP server is configured (the demo's inbox).
 * Merchant sign-ins only: the mail holds customers' addresses and working recovery links.
 */
export function outboxRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseOr400(sessionLookupQuery, req.query);
    const auth = authOf(res);
    if (auth.readOnly) throw new ApiError('forbidden', { message: 'The outbox needs a sign-in with a secret key' });
    const tenant = tenantFor(auth, query.domainAmbient);
    res.json({ data: await ctx.mailer.outbox(tenant) });
  });
  return router;
}
