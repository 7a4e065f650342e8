import express, { Router } from 'express';
import { presenceBeaconBody } from '../../shared/checkout-socket.js';
import type { AppContext } from '../app-context.js';
import { tenantPrefix } from '../store/keys.js';
import { ApiError, parseOr400 } from './api-error.js';

/**
 * `POST /v1/presence`: for `navigator.sendBeacon` on `pagehide` (`left`) and for pages that cannot
 * hold a socket (`hb`). sendBeacon posts text/plain, so any content type is read as JSON.
 * A page names its socket (`connectionId`) so `left` releases that tab only; a beacon-only page
 * is one connection named after its session.
 */
export function presenceBeaconRouter(ctx: AppContext): Router {
  const router = Router();
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
