import type { RequestHandler } from 'express';
import { idempotencyKey } from '../../shared/session-events.js';
import type { AppContext } from '../app-context.js';
import { sha256 } from '../store/secrets.js';
import { ApiError } from './api-error.js';
import { authOf } from './auth.js';
import { canonicalJson } from './canonical-json.js';

/**
 * `Idempotency-Key`: the first request with a key runs and its response is kept for a day; a
 * retry with the same key and the same request gets that response again (`Idempotent-Replayed`),
 * the same key with another request is refused (422), and one still running is a 409. Server
 * errors are not kept, so the client may retry them. The request's fingerprint is its method, URL
 * and body with keys in a fixed order: a client that serializes the same body differently is
 * still retrying the same request. Keys are per tenant (merchant and mode).
 */
export function idempotent(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('idempotency-key');
    if (header === undefined) return next();
    const parsed = idempotencyKey.safeParse(header);
    if (!parsed.success) throw ApiError.invalid([{ 'Idempotency-Key': parsed.error.issues[0]?.message ?? 'invalid' }]);
    const auth = authOf(res);
    const tenant = { merchantId: auth.merchantId, mode: auth.keyMode };
    const key = parsed.data;
    const fingerprint = sha256(`${req.method} ${req.originalUrl}\n${canonicalJson(req.body ?? null)}`);

    const claim = await ctx.idempotency.claim(tenant, key, fingerprint);
    if (!claim.claimed) {
      const kept = claim.kept;
      if (!kept || kept.state === 'pending') {
        throw new ApiError('conflict', { message: 'A request with this Idempotency-Key is still in progress' });
      }
      if (kept.fingerprint !== fingerprint) {
        throw new ApiError('unprocessableEntity', { message: 'This Idempotency-Key was used with a different request' });
      }
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(kept.status ?? 200).json(kept.body);
      return;
    }

    // Keep the response before it leaves, so a retry arriving right after it sees it.
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      const keep = status >= 500 ? ctx.idempotency.release(tenant, key) : ctx.idempotency.keep(tenant, key, fingerprint, status, body);
      void keep.catch((error: unknown) => ctx.logger.warn({ err: error }, 'idempotent response not kept')).finally(() => send(body));
      return res;
    };
    next();
  };
}
