import type { RequestHandler } from 'express';
import { createSessionBody } from '../../../shared/session.js';
import type { AppContext } from '../../app-context.js';
import { encodeMetadata } from '../../store/session-codec.js';
import { parseOr400 } from '../api-error.js';
import { authOf, tenantFor } from '../auth.js';

/** `POST /v1/checkouts/sessions`: the session plus the client secret for its checkout page. */
export function createSession(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const body = parseOr400(createSessionBody, req.body ?? {});
    const tenant = tenantFor(authOf(res));
    const session = await ctx.sessions.create(tenant, {
      src: body.source, amt: body.totalAmount, cur: body.currency, host: body.domainHost, lang: body.language,
      em: body.customer.email, nm: body.customer.name, co: body.customer.country, ci: body.customer.city,
      pid: body.product.id, pn: body.product.name, q: body.product.quantity,
      lnk: body.linkId, cus: body.customerId, iid: body.integrationId, ity: body.integrationType,
      etx: body.externalTransactionId,
      ...encodeMetadata(body.metadata),
    }, body.expiresInMs ?? ctx.config.sessionTtlMs);
    res.setHeader('Location', `/v1/checkouts/sessions/${session.id}`);
    res.status(201).json({ ...session, clientSecret: ctx.clientSecrets.issue(tenant, session.id) });
  };
}
