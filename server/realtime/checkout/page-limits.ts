import type { Clock } from '../../clock.js';
import { TokenBuckets, type BucketRule } from '../token-bucket.js';

export interface PageLimitRules {
  /** Funnel events one page connection may send. */
  perConnection: BucketRule;
  /** Funnel events all of a session's connections on this node may send together. */
  perSession: BucketRule;
  /** Sockets one session may hold open on this node (tabs, reconnects in flight). */
  socketsPerSession: number;
}

/**
 * A real shopper reports a handful of funnel steps and opens a tab or two; a script holding the
 * page's public client secret can send thousands a second. Every funnel event is a stream event
 * every board receives, so each connection and each session gets a budget, and a session a cap on
 * its sockets. Beyond the budget a page is told `tooManyRequests` and nothing is written.
 */
export const DEFAULT_PAGE_LIMITS: PageLimitRules = {
  perConnection: { burst: 10, refillMs: 1_000 },
  perSession: { burst: 20, refillMs: 1_000 },
  socketsPerSession: 20,
};

export class PageLimits {
  private readonly byConnection: TokenBuckets;
  private readonly bySession: TokenBuckets;
  private readonly sockets = new Map<string, number>();

  constructor(clock: Clock, private readonly rules: PageLimitRules = DEFAULT_PAGE_LIMITS) {
    this.byConnection = new TokenBuckets(clock, rules.perConnection);
    this.bySession = new TokenBuckets(clock, rules.perSession);
  }

  /** Counts a new socket of the session; false (not counted) when the session has its fill. */
  admitSocket(sessionId: string): boolean {
    const open = this.sockets.get(sessionId) ?? 0;
    if (open >= this.rules.socketsPerSession) return false;
    this.sockets.set(sessionId, open + 1);
    return true;
  }

  releaseSocket(sessionId: string, connectionId: string): void {
    this.byConnection.forget(connectionId);
    const open = (this.sockets.get(sessionId) ?? 1) - 1;
    if (open > 0) this.sockets.set(sessionId, open);
    else this.sockets.delete(sessionId);
  }

  /** Takes one funnel event from the connection's and the session's budgets. */
  admitEvent(sessionId: string, connectionId: string): boolean {
    if (this.byConnection.waitMs(connectionId) > 0) return false;
    if (!this.bySession.take(sessionId)) return false;
    return this.byConnection.take(connectionId);
  }
}
