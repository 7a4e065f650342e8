import type { RequestHandler } from 'express';
import { idempotencyKey } from '../../shared/session-events.js';
import type { AppContext } from '../app-context.js';
import { keys, tenantPrefix } from '../store/keys.js';
import { sha256 } from '../store/secrets.js';
import { ApiError } from './api-error.js';
import { authOf } from './auth.js';

/** How long a key's first response is kept for replays. */
const KEEP_MS = 24 * 3_600_000;

interface Stored {
  fingerprint: string;
  state: 'pending' | 'done';
  status?: number;
  body?: unknown;
}

/**
 * `Idempotency-Key`: the first request with a key runs and its response is kept for a day; a
 * retry with the same key and the same request gets that response again (`Idempotent-Replayed`),
 * the same key with another request is refused (422), and one still running is a 409. Server
 * errors are not kept, so the client may retry them.
 */
export function idempotent(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('idempotency-key');
    if (header === undefined) return next();
    const parsed = idempotencyKey.safeParse(header);
    if (!parsed.success) throw ApiError.invalid([{ 'Idempotency-Key': parsed.error.issues[0]?.message ?? 'invalid' }]);
    const auth = authOf(res);
    const key = keys.idempotency(tenantPrefix({ merchantId: auth.merchantId, mode: auth.keyMode }), sha256(parsed.data));
    const fingerprint = sha256(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`);

    const claimed = await ctx.redis.set(key, JSON.stringify({ fingerprint, state: 'pending' } satisfies Stored), 'PX', KEEP_MS, 'NX');
    if (claimed !== 'OK') {
      const raw = await ctx.redis.get(key);
      const stored = raw ? (JSON.parse(raw) as Stored) : undefined;
      if (!stored || stored.state === 'pending') {
        throw new ApiError('conflict', { message: 'A request with this Idempotency-Key is still in progress' });
      }
      if (stored.fingerprint !== fingerprint) {
        throw new ApiError('unprocessableEntity', { message: 'This Idempotency-Key was used with a different request' });
      }
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(stored.status ?? 200).json(stored.body);
      return;
    }

    // Keep the response before it leaves, so a retry arriving right after it sees it.
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      const keep = status >= 500
        ? ctx.redis.del(key)
        : ctx.redis.set(key, JSON.stringify({ fingerprint, state: 'done', status, body } satisfies Stored), 'PX', KEEP_MS);
      void keep.catch((error: unknown) => ctx.logger.warn({ err: error }, 'idempotent response not kept')).finally(() => send(body));
      return res;
    };
    next();
  };
}
