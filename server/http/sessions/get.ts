import type { RequestHandler } from 'express';
import { SESSION_ID_PATTERN } from '../../../shared/ids.js';
import { sessionLookupQuery } from '../../../shared/session.js';
import type { AppContext } from '../../app-context.js';
import { ApiError, parseOr400 } from '../api-error.js';
import { authOf, tenantFor } from '../auth.js';
import type { Tenant } from '../../store/keys.js';

/** The tenant and id a by-id route addresses; an id of another shape is simply not found. */
export function lookup(req: { params: Record<string, string | string[] | undefined>; query: unknown }, res: Parameters<RequestHandler>[1]): { tenant: Tenant; id: string } {
  const query = parseOr400(sessionLookupQuery, req.query);
  const tenant = tenantFor(authOf(res), query.domainAmbient);
  const id = req.params.id;
  if (typeof id !== 'string' || !SESSION_ID_PATTERN.test(id)) throw new ApiError('notFound');
  return { tenant, id };
}

/** `GET /v1/checkouts/sessions/:id`: the session with its timeline. */
export function getSession(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const { tenant, id } = lookup(req, res);
    const session = await ctx.sessions.getWithTimeline(tenant, id);
    if (!session) throw new ApiError('notFound');
    res.json(session);
  };
}
