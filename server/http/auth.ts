import type { RequestHandler, Response } from 'express';
import type { Mode } from '../../shared/ids.js';
import type { ApiKeyStore } from '../store/api-keys-store.js';
import type { Tenant } from '../store/keys.js';
import { ApiError } from './api-error.js';

export interface Auth {
  merchantId: string;
  /** The mode of the key: a test key reaches test data only. */
  keyMode: Mode;
}

/** The `selectkey` header's secret key authenticates the merchant. */
export function requireApiKey(apiKeys: ApiKeyStore): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('selectkey');
    const record = header ? await apiKeys.verify(header) : undefined;
    if (!record) throw new ApiError('unauthorized');
    res.locals.auth = { merchantId: record.merchantId, keyMode: record.mode } satisfies Auth;
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
