import { tenantPrefix, type Tenant } from './keys.js';
import { Refusal, ScriptRefusal, runScript } from './scripts.js';
import { sha256 } from './secrets.js';
import { transition, type StoreContext } from './store-context.js';

/** Least time between two recovery mails of one session (a double click sends one). */
export const RECOVERY_MAIL_COOLDOWN_MS = 10 * 60_000;
/** Recovery mails a session may get in all, within RECOVERY_MAIL_WINDOW_MS. */
export const RECOVERY_MAILS_PER_SESSION = 3;
export const RECOVERY_MAIL_WINDOW_MS = 7 * 86_400_000;

/** Refusals of the recovery scripts beyond the shared ones: the link was used, the mail budget is spent, no address. */
const LINK_USED = -4;
const MAIL_BUDGET_SPENT = -5;
const NO_EMAIL = -6;

/**
 * What the reservation of a recovery mail decided. `reserved`: send it, then `markSent` (or
 * `releaseMail` when it could not be sent); `wait`: the session's budget allows another later.
 */
export type MailReservation =
  | { outcome: 'reserved'; reservedAt: number }
  | { outcome: 'wait'; retryAfterMs: number }
  | { outcome: 'completed' }
  | { outcome: 'noEmail' };

/** `paid`: the session is complete; `closed`: it cannot be reopened (expired by the merchant, or gone). */
export type RecoverOutcome = 'renewed' | 'open' | 'used' | 'paid' | 'closed';

/** Recovery: the per-session mail budget and the one-time, confirmed reopening of a session. */
export class RecoveryStore {
  constructor(private readonly ctx: StoreContext) {}

  /**
   * Decides, in one step, whether a recovery mail may go (the session exists, is not complete, has
   * an email, and its budget allows one) and takes it if so. Rejects with NotFound for no session.
   */
  async reserveMail(tenant: Tenant, sessionId: string): Promise<MailReservation> {
    const now = this.ctx.clock.now();
    const reply = await runScript(this.ctx.redis, 'reserveRecoveryMail', [tenantPrefix(tenant)], [
      now, sessionId, RECOVERY_MAIL_COOLDOWN_MS, RECOVERY_MAILS_PER_SESSION, RECOVERY_MAIL_WINDOW_MS,
    ]);
    if (reply === Refusal.NotFound) throw new ScriptRefusal(Refusal.NotFound);
    if (reply === NO_EMAIL) return { outcome: 'noEmail' };
    if (Array.isArray(reply) && reply[0] === Refusal.IllegalTransition) return { outcome: 'completed' };
    if (Array.isArray(reply) && reply[0] === MAIL_BUDGET_SPENT) return { outcome: 'wait', retryAfterMs: Number(reply[1]) };
    return { outcome: 'reserved', reservedAt: now };
  }

  /** Gives back a reserved mail that was not sent: asking again is neither held back nor counted. */
  async releaseMail(tenant: Tenant, sessionId: string, reservedAt: number): Promise<void> {
    await runScript(this.ctx.redis, 'releaseRecoveryMail', [tenantPrefix(tenant)], [sessionId, reservedAt]);
  }

  /**
   * Reopens the session a confirmed recovery link names: abandoned, or expired by its timer; never
   * expired by the merchant, and each link once. The script decides; nothing is read before it.
   */
  async recover(tenant: Tenant, sessionId: string, link: string, ttlMs: number, linkTtlMs: number): Promise<RecoverOutcome> {
    const reply = await transition(this.ctx, 'recoverSession', tenantPrefix(tenant), [sessionId, ttlMs, sha256(link), linkTtlMs]);
    if (reply === LINK_USED) return 'used';
    if (reply === 0) return 'open';
    if (reply === Refusal.NotFound) return 'closed';
    if (Array.isArray(reply) && reply[0] === Refusal.IllegalTransition) return reply[1] === 'completed' ? 'paid' : 'closed';
    return 'renewed';
  }
}
