import type { RequestHandler } from 'express';
import { createSessionBody } from '../../../shared/session.js';
import type { AppContext } from '../../app-context.js';
import { parseOr400 } from '../api-error.js';
import { authOf, tenantFor } from '../auth.js';

/** `POST /v1/checkouts/sessions`: the session plus the client secret for its checkout page. */
export function createSession(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const body = parseOr400(createSessionBody, req.body ?? {});
    const tenant = tenantFor(authOf(res));
    const session = await ctx.sessions.create(tenant, body, body.expiresInMs ?? ctx.config.sessionTtlMs);
    res.setHeader('Location', `/v1/checkouts/sessions/${session.id}`);
    res.status(201).json({ ...session, clientSecret: ctx.clientSecrets.issue(tenant, session.id) });
  };
}
