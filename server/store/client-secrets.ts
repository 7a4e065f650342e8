import { randomBytes } from 'node:crypto';
import { merchantId as merchantIdSchema } from '../../shared/ids.js';
import type { RedisClient } from '../redis/connect.js';
import { keys, type Tenant } from './keys.js';
import { hmac, safeEqual } from './secrets.js';

/**
 * A session's client secret is `cs_<tenant>.<mac>`: the tenant in clear (so a page needs no
 * lookup to be routed) and an HMAC of tenant and session id under a key every node shares.
 * Verifying it costs no Redis round trip, and one secret opens one session only.
 */
export class ClientSecrets {
  private constructor(private readonly key: Buffer) {}

  /** Loads the shared signing key, creating it once for the whole deployment. */
  static async load(redis: RedisClient): Promise<ClientSecrets> {
    await redis.set(keys.signingKey, randomBytes(32).toString('base64'), 'NX');
    const stored = await redis.get(keys.signingKey);
    if (!stored) throw new Error('signing key missing');
    return new ClientSecrets(Buffer.from(stored, 'base64'));
  }

  issue(tenant: Tenant, sessionId: string): string {
    const tenantPart = Buffer.from(`${tenant.merchantId}:${tenant.mode}`).toString('base64url');
    return `cs_${tenantPart}.${hmac(this.key, `${tenant.merchantId}:${tenant.mode}:${sessionId}`)}`;
  }

  /** A MAC under the deployment's shared key, for other signed links (recovery). */
  mac(value: string): string {
    return hmac(this.key, `link:${value}`);
  }

  /** The tenant the secret opens `sessionId` in, or undefined for a wrong pair. */
  verify(sessionId: string, secret: string): Tenant | undefined {
    const match = /^cs_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(secret);
    if (!match?.[1] || !match[2]) return undefined;
    const [merchantId, mode, extra] = Buffer.from(match[1], 'base64url').toString().split(':');
    if (extra !== undefined || (mode !== 'live' && mode !== 'test')) return undefined;
    if (!merchantIdSchema.safeParse(merchantId).success || merchantId === undefined) return undefined;
    const expected = hmac(this.key, `${merchantId}:${mode}:${sessionId}`);
    return safeEqual(expected, match[2]) ? { merchantId, mode } : undefined;
  }
}
