import type { Mode } from '../../shared/ids.js';
import { merchantId as merchantIdSchema } from '../../shared/ids.js';
import type { Clock } from '../clock.js';
import type { BoardSignOutStore } from '../store/board-signouts-store.js';
import type { ClientSecrets } from '../store/client-secrets.js';
import type { CredentialOwners } from '../store/credential-owners.js';
import { safeEqual } from '../store/secrets.js';

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

/**
 * The board's signed cookie, checked the same way by the HTTP API and the board's socket: its
 * signature, its expiry, whether its credential still lives and whether it was signed out.
 */
export class BoardCookies {
  constructor(
    private readonly secrets: ClientSecrets,
    private readonly clock: Clock,
    private readonly credentials: CredentialOwners,
    private readonly signOuts: BoardSignOutStore,
  ) {}

  sign(identity: BoardIdentity): string {
    const payload = Buffer.from(JSON.stringify(identity)).toString('base64url');
    return `${payload}.${this.secrets.mac(`board:${payload}`)}`;
  }

  /** The identity of a board cookie, if its signature holds, it has not expired and its credential lives. */
  async verify(value: unknown): Promise<BoardIdentity | undefined> {
    if (typeof value !== 'string' || value.length > 2_000) return undefined;
    const [payload, mac, extra] = value.split('.');
    if (!payload || !mac || extra !== undefined || !safeEqual(this.secrets.mac(`board:${payload}`), mac)) return undefined;
    let identity: BoardIdentity;
    try {
      identity = JSON.parse(Buffer.from(payload, 'base64url').toString()) as BoardIdentity;
    } catch {
      return undefined;
    }
    if (!merchantIdSchema.safeParse(identity.merchantId).success || (identity.mode !== 'live' && identity.mode !== 'test')) return undefined;
    if (!(identity.expiresAt > this.clock.now())) return undefined;
    const [owner, signedOut] = await Promise.all([
      this.credentials.owner(identity.role === 'viewer' ? 'boardToken' : 'apiKey', identity.digest),
      this.signOuts.isSignedOut(value),
    ]);
    return owner === identity.merchantId && !signedOut ? identity : undefined;
  }

  /** Ends a cookie itself, not only the browser's copy: it stops working wherever it was copied. */
  async signOut(value: unknown): Promise<void> {
    const identity = await this.verify(value);
    if (identity && typeof value === 'string') await this.signOuts.signOut(value, identity.expiresAt);
  }
}
