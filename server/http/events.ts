import { Router } from 'express';
import { DEFAULT_EVENTS_LIMIT, listEventsQuery, type EventList } from '../../shared/events.js';
import type { AppContext } from '../app-context.js';
import { ApiError, parseOr400 } from './api-error.js';
import { authOf, tenantFor } from './auth.js';

/** `GET /v1/events`: the tenant's change stream as a feed, in order, strictly after `after`. */
export function eventsRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parseOr400(listEventsQuery, req.query);
    const tenant = tenantFor(authOf(res), query.domainAmbient);
    const page = await ctx.events.read(tenant, {
      limit: query.limit ?? DEFAULT_EVENTS_LIMIT,
      ...(query.after !== undefined ? { after: query.after } : {}),
      ...(query.type !== undefined ? { types: query.type } : {}),
      ...(query.sessionId !== undefined ? { sessionId: query.sessionId } : {}),
    });
    if (page === 'gone') throw new ApiError('gone', { message: `Events after ${query.after} are no longer kept` });
    res.json({ data: page.events, hasMore: page.hasMore } satisfies EventList);
  });
  return router;
}
