import { tenantPrefix, type Tenant } from './keys.js';
import { Refusal, ScriptRefusal, runScript } from './scripts.js';
import { sha256 } from './secrets.js';
import { transition, type StoreContext } from './store-context.js';

/** Least time between two recovery mails of one session (a double click sends one). */
export const RECOVERY_MAIL_COOLDOWN_MS = 10 * 60_000;
/** Recovery mails a session may get in all, within RECOVERY_MAIL_WINDOW_MS. */
export const RECOVERY_MAILS_PER_SESSION = 3;
export const RECOVERY_MAIL_WINDOW_MS = 7 * 86_400_000;

/** A refusal of recoverSession: this link was confirmed before. */
export const LINK_USED = -4;

export type RecoverOutcome = 'renewed' | 'open' | 'used';

/** Recovery: the per-session mail budget and the one-time, confirmed reopening of a session. */
export class RecoveryStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Takes one recovery mail of the session; resolves to the ms to wait when none is left. */
  async reserveMail(tenant: Tenant, sessionId: string): Promise<{ retryAfterMs: number } | undefined> {
    const reply = await runScript(this.ctx.redis, 'reserveRecoveryMail', [tenantPrefix(tenant)], [
      this.ctx.clock.now(), sessionId, RECOVERY_MAIL_COOLDOWN_MS, RECOVERY_MAILS_PER_SESSION, RECOVERY_MAIL_WINDOW_MS,
    ]);
    return Array.isArray(reply) ? { retryAfterMs: Number(reply[1]) } : undefined;
  }

  /**
   * Reopens the session a confirmed recovery link names: abandoned, or expired by its timer; never
   * expired by the merchant (refused as an illegal transition), and each link once.
   */
  async recover(tenant: Tenant, sessionId: string, link: string, ttlMs: number, linkTtlMs: number): Promise<RecoverOutcome> {
    const reply = await transition(this.ctx, 'recoverSession', tenantPrefix(tenant), [sessionId, ttlMs, sha256(link), linkTtlMs]);
    if (reply === LINK_USED) return 'used';
    if (reply === 0) return 'open';
    if (reply === Refusal.NotFound) throw new ScriptRefusal(Refusal.NotFound);
    if (Array.isArray(reply) && reply[0] === Refusal.IllegalTransition) {
      throw new ScriptRefusal(Refusal.IllegalTransition, `cannot recover a ${String(reply[1])} session`);
    }
    return 'renewed';
  }
}
