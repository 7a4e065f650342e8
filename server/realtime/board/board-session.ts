import type { Mode } from '../../../shared/ids.js';
import { merchantId as merchantIdSchema } from '../../../shared/ids.js';
import type { AppContext } from '../../app-context.js';
import { credentialRecords } from '../../store/credential-records.js';
import { isSignedOut } from '../../store/board-signouts-store.js';
import { keys } from '../../store/keys.js';
import { safeEqual } from '../../store/secrets.js';

export const BOARD_COOKIE = 'cp_board';
export const BOARD_COOKIE_MAX_AGE_MS = 30 * 86_400_000;

/**
 * Who is looking at a board. `viewer`: opened with a board token, read-only. `merchant`: signed in
 * with a secret key, may act. The credential's digest travels along, so revoking the token or the
 * key ends every board that used it.
 */
export interface BoardIdentity {
  merchantId: string;
  mode: Mode;
  role: 'viewer' | 'merchant';
  /** SHA-256 of the board token or API key that opened the board. */
  digest: string;
  expiresAt: number;
}

export function signBoardCookie(ctx: AppContext, identity: BoardIdentity): string {
  const payload = Buffer.from(JSON.stringify(identity)).toString('base64url');
  return `${payload}.${ctx.clientSecrets.mac(`board:${payload}`)}`;
}

/** The identity of a board cookie, if its signature holds, it has not expired and its credential lives. */
export async function verifyBoardCookie(ctx: AppContext, value: unknown): Promise<BoardIdentity | undefined> {
  if (typeof value !== 'string' || value.length > 2_000) return undefined;
  const [payload, mac, extra] = value.split('.');
  if (!payload || !mac || extra !== undefined || !safeEqual(ctx.clientSecrets.mac(`board:${payload}`), mac)) return undefined;
  let identity: BoardIdentity;
  try {
    identity = JSON.parse(Buffer.from(payload, 'base64url').toString()) as BoardIdentity;
  } catch {
    return undefined;
  }
  if (!merchantIdSchema.safeParse(identity.merchantId).success || (identity.mode !== 'live' && identity.mode !== 'test')) return undefined;
  if (!(identity.expiresAt > ctx.clock.now())) return undefined;
  const record = identity.role === 'viewer' ? keys.boardToken(identity.digest) : keys.apiKey(identity.digest);
  const [{ merchantId: owner }, signedOut] = await Promise.all([credentialRecords(ctx.redis, ctx.clock).readFresh(record), isSignedOut(ctx.redis, value)]);
  return owner === identity.merchantId && !signedOut ? identity : undefined;
}
