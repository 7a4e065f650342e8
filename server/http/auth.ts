import type { RequestHandler, Response } from 'express';
import type { Mode } from '../../shared/ids.js';
import type { AppContext } from '../app-context.js';
import { BOARD_COOKIE } from '../auth/board-cookie.js';
import type { Tenant } from '../store/keys.js';
import { ApiError } from './api-error.js';
import { maskPersonalData } from '../privacy-mask.js';

export interface Auth {
  merchantId: string;
  /** The mode of the key: a test key reaches test data only. */
  keyMode: Mode;
  /** A read-only board (board token): reads only, with customers' emails and IPs masked. */
  readOnly?: boolean;
}

/** Boards send this header with their cookie; a cross-site form or image cannot. */
export const BOARD_REQUEST_HEADER = 'x-checkout-pulse';

/**
 * The `selectkey` header's secret key authenticates the merchant. A board's cookie does too, on
 * the same code paths: a merchant signed in with a key may act, a board opened with a read-only
 * token may only read; cookie requests must carry the board's header (no cross-site requests).
 */
export function requireApiKey(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('selectkey');
    if (header !== undefined) {
      const record = await ctx.apiKeys.verify(header);
      if (!record) throw new ApiError('unauthorized');
      res.locals.auth = { merchantId: record.merchantId, keyMode: record.mode } satisfies Auth;
      return next();
    }
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[BOARD_COOKIE];
    const identity = cookie && req.get(BOARD_REQUEST_HEADER) === 'board' ? await ctx.boardCookies.verify(cookie) : undefined;
    if (!identity) throw new ApiError('unauthorized');
    if (identity.role === 'viewer' && req.method !== 'GET') throw new ApiError('forbidden', { message: 'This board is read-only: sign in with a secret key to act' });
    res.locals.auth = { merchantId: identity.merchantId, keyMode: identity.mode, readOnly: identity.role === 'viewer' } satisfies Auth;
    if (identity.role === 'viewer') {
      const json = res.json.bind(res);
      res.json = (body: unknown) => json(maskPersonalData(body));
    }
    next();
  };
}

export function authOf(res: Response): Auth {
  const auth = res.locals.auth as Auth | undefined;
  if (!auth) throw new ApiError('unauthorized');
  return auth;
}

/**
 * The tenant a request reads or writes: the key's own mode, or `domainAmbient` when asked.
 * A live key may look at test data; a test key never touches live data (403).
 */
export function tenantFor(auth: Auth, domainAmbient?: Mode): Tenant {
  const mode = domainAmbient ?? auth.keyMode;
  if (auth.keyMode === 'test' && mode === 'live') throw new ApiError('forbidden');
  return { merchantId: auth.merchantId, mode };
}
