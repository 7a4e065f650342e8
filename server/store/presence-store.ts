import type { SessionStatus } from '../../shared/session.js';
import type { PresenceTimings } from '../config.js';
import { type TenantPrefix } from './keys.js';
import { scheduleKeysOf } from './schedule-keys.js';
import { checkRefusal, type ScriptArg } from './scripts.js';
import { encodeFields } from './session-codec.js';
import { visitorDetailsFields, type VisitorDetails } from './session-input.js';
import { transition, type StoreContext } from './store-context.js';

export interface ConnectResult {
  status: SessionStatus;
  expiresAtMs: number;
  /** False for pages of completed or expired sessions: they are told the status and not tracked. */
  tracked: boolean;
}

export interface Touch {
  sessionId: string;
  connectionId: string;
  /** The page heartbeated: advances lastVisitAt. */
  visited: boolean;
  /** The node renews the connection's lease (a heartbeat alone does not need to). */
  renew: boolean;
  /** When the node last had proof the page lives (its heartbeat or a transport pong), epoch ms. */
  aliveAt: number;
}

/** A touch of one of the tenants of a shard, in a call that may carry several of them. */
export interface TenantTouch extends Touch {
  prefix: TenantPrefix;
}

/** A page's connection that ended, of one of the tenants of a shard. */
export interface PageClose {
  prefix: TenantPrefix;
  sessionId: string;
  connectionId: string;
  /** A close (offline after the grace), else silent: a ping timeout (offline now). */
  clean: boolean;
  /** The page itself said it left: renewals of its still-open socket stop. */
  released?: boolean;
}

export interface Notice {
  sessionId: string;
  connectionId: string;
  /**
   * `released`: the page said it left; `gone`: no such session any more; `stale`: a renewal refused
   * because the lease had lapsed and the node's last proof of the page is older than a lease.
   */
  status: SessionStatus | 'gone' | 'released' | 'stale';
}

export interface PresenceSettings {
  timings: PresenceTimings;
  abandonAfterMs: number;
  sessionTtlMs: number;
}

/**
 * Script arguments for items of several tenants of one shard: for each run of one tenant's items,
 * its prefix and their number, then what `push` adds for each item.
 */
function pushByTenant<T extends { prefix: TenantPrefix }>(args: ScriptArg[], items: readonly T[], push: (item: T) => void): void {
  let count = -1;
  for (const [i, item] of items.entries()) {
    if (i === 0 || item.prefix !== items[i - 1]!.prefix) count = args.push(item.prefix, 0) - 1;
    push(item);
    args[count] = (args[count] as number) + 1;
  }
}

/** Typed wrappers of the presence scripts. */
export class PresenceStore {
  constructor(private readonly ctx: StoreContext, private readonly settings: PresenceSettings) {}

  /** A page connects; `visitor` (device, address, location) is written only where the session has none. */
  async connect(prefix: TenantPrefix, sessionId: string, connectionId: string, visitor: VisitorDetails = {}): Promise<ConnectResult> {
    const reply = checkRefusal(await transition(this.ctx, 'connectPage', prefix, [
      sessionId, connectionId, this.settings.timings.leaseMs, this.settings.sessionTtlMs, ...encodeFields(visitorDetailsFields(visitor)),
    ])) as [string, string, number];
    return { status: reply[0] as SessionStatus, expiresAtMs: Number(reply[1]), tracked: reply[2] === 1 };
  }

  /** Which shard holds a tenant (its schedule key): writes to one shard never wait behind another's. */
  shardOf(prefix: TenantPrefix): string {
    return scheduleKeysOf(this.ctx.redis).keyFor(prefix);
  }

  /** One tenant's touches (touchShard for several tenants of one shard). */
  touch(prefix: TenantPrefix, touches: readonly Touch[]): Promise<Notice[]> {
    return this.touchShard(touches.map((touch) => ({ ...touch, prefix })));
  }

  /**
   * Touches of tenants of one shard (shardOf), in one call, a tenant's touches side by side: a node
   * with many small merchants writes their pages in as few calls as one merchant with as many pages.
   */
  async touchShard(touches: readonly TenantTouch[]): Promise<Notice[]> {
    if (touches.length === 0) return [];
    const args: ScriptArg[] = [this.settings.timings.leaseMs, this.settings.sessionTtlMs];
    pushByTenant(args, touches, (t) => args.push(t.sessionId, t.connectionId, t.visited ? (t.renew ? 'vr' : 'v') : 'r', t.aliveAt));
    const reply = (await transition(this.ctx, 'touchPresence', touches[0]!.prefix, args)) as string[];
    const notices: Notice[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      notices.push({ sessionId: reply[i] as string, connectionId: reply[i + 1] as string, status: reply[i + 2] as Notice['status'] });
    }
    return notices;
  }

  /**
   * A connection ends: `clean` for a close (offline after the grace), else silent (offline now).
   * `released` when the page itself said it left, so renewals of its still-open socket stop.
   * Returns 0 (nothing flips), 1 (offline after the grace) or 2 (offline now).
   */
  async disconnect(prefix: TenantPrefix, sessionId: string, connectionId: string, clean: boolean, released = false): Promise<0 | 1 | 2> {
    const [result] = await this.disconnectShard([{ prefix, sessionId, connectionId, clean, released }]);
    return result!;
  }

  /** Closes of tenants of one shard (shardOf), in one call; the outcome of each, in order. */
  async disconnectShard(closes: readonly PageClose[]): Promise<Array<0 | 1 | 2>> {
    if (closes.length === 0) return [];
    const { offlineGraceMs, leaseMs } = this.settings.timings;
    const args: ScriptArg[] = [offlineGraceMs, this.settings.abandonAfterMs, leaseMs];
    pushByTenant(args, closes, (c) => args.push(c.sessionId, c.connectionId, c.released ? 'l' : c.clean ? 'c' : 's'));
    return (await transition(this.ctx, 'disconnectPage', closes[0]!.prefix, args)) as Array<0 | 1 | 2>;
  }

  /** Applies due offline work; `leases` false skips lapsed leases (just after Redis came back). */
  async sweep(prefix: TenantPrefix, limit: number, leases = true, now?: number): Promise<{ flipped: number; more: boolean }> {
    const reply = (await transition(this.ctx, 'sweepPresence', prefix, [limit, this.settings.abandonAfterMs, leases ? '1' : '0'], now)) as [number, number];
    return { flipped: reply[0], more: reply[1] === 1 };
  }
}
