import type { ClientSecrets } from '../store/client-secrets.js';
import type { Tenant } from '../store/keys.js';
import { safeEqual } from '../store/secrets.js';
import { merchantId as merchantIdSchema, SESSION_ID_PATTERN } from '../../shared/ids.js';

/** How long a recovery link works. */
export const RECOVERY_LINK_TTL_MS = 7 * 86_400_000;

export interface RecoveryTarget {
  tenant: Tenant;
  sessionId: string;
}

/** A signed, expiring token naming one session: `<payload>.<mac>`, verified without Redis. */
export function signRecoveryToken(secrets: ClientSecrets, tenant: Tenant, sessionId: string, now: number): string {
  const payload = Buffer.from(`${tenant.merchantId}:${tenant.mode}:${sessionId}:${now + RECOVERY_LINK_TTL_MS}`).toString('base64url');
  return `${payload}.${secrets.mac(payload)}`;
}

export function verifyRecoveryToken(secrets: ClientSecrets, token: string, now: number): RecoveryTarget | undefined {
  const match = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2] || !safeEqual(secrets.mac(match[1]), match[2])) return undefined;
  const [merchantId, mode, sessionId, until, extra] = Buffer.from(match[1], 'base64url').toString().split(':');
  if (extra !== undefined || (mode !== 'live' && mode !== 'test') || !merchantIdSchema.safeParse(merchantId).success) return undefined;
  if (!sessionId || !SESSION_ID_PATTERN.test(sessionId) || !(Number(until) > now) || merchantId === undefined) return undefined;
  return { tenant: { merchantId, mode }, sessionId };
}
