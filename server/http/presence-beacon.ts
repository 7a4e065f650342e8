import express, { Router, type Response } from 'express';
import { presenceBeaconBody } from '../../shared/checkout-socket.js';
import type { AppContext } from '../app-context.js';
import { tenantPrefix, type Tenant } from '../store/keys.js';
import { ApiError, parseOr400 } from './api-error.js';

/**
 * `POST /v1/presence`: for `navigator.sendBeacon` on `pagehide` (`left`) and for pages that cannot
 * hold a socket (`hb`). sendBeacon posts text/plain, so any content type is read as JSON.
 * A page names its socket (`connectionId`) so `left` releases that tab only; a beacon-only page
 * is one connection named after its session. Cross-origin reads are allowed only to the host
 * that serves the session's checkout (`domainHost`).
 */
export function presenceBeaconRouter(ctx: AppContext): Router {
  const router = Router();

  router.options('/', (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.get('origin') ?? '*');
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'content-type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.setHeader('Vary', 'Origin');
    res.status(204).end();
  });

  async function allowOrigin(req: express.Request, res: Response, tenant: Tenant, sessionId: string): Promise<void> {
    const origin = req.get('origin');
    if (!origin) return;
    const host = await ctx.sessions.checkoutHost(tenant, sessionId);
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    res.setHeader('Vary', 'Origin');
    if (host && originHost && originHost.toLowerCase() === host.toLowerCase()) res.setHeader('Access-Control-Allow-Origin', origin);
  }

  router.post('/', express.text({ type: () => true, limit: '2kb' }), async (req, res) => {
    let parsed: unknown;
    try {
      parsed = typeof req.body === 'string' && req.body.length > 0 ? JSON.parse(req.body) : req.body;
    } catch {
      throw ApiError.invalid([{ body: 'must be valid JSON' }]);
    }
    const body = parseOr400(presenceBeaconBody, parsed);
    const tenant = ctx.clientSecrets.verify(body.sessionId, body.clientSecret);
    if (!tenant) throw new ApiError('unauthorized');
    const prefix = tenantPrefix(tenant);
    const connectionId = body.connectionId ?? `beacon:${body.sessionId}`;
    await allowOrigin(req, res, tenant, body.sessionId);
    if (body.state === 'hb') {
      const result = await ctx.presence.connect(prefix, body.sessionId, connectionId);
      res.json({ status: result.status, expiresAt: new Date(result.expiresAtMs).toISOString(), serverTime: new Date(ctx.clock.now()).toISOString() });
      return;
    }
    // `left`: this tab is going away; it leaves after the grace even if its socket died silently.
    await ctx.presence.disconnect(prefix, body.sessionId, connectionId, true, body.connectionId !== undefined);
    res.status(202).json({ ok: true });
  });
  return router;
}
