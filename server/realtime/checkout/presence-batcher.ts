import { systemClock, type Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { TenantPrefix } from '../../store/keys.js';
import type { Notice, PresenceStore, TenantTouch } from '../../store/presence-store.js';

/** A page connection this node holds and renews. */
export interface LiveConnection {
  prefix: TenantPrefix;
  sessionId: string;
  connectionId: string;
}

export interface BatcherTimings {
  flushIntervalMs: number;
  leaseRenewMs: number;
}

// Small enough that one call holds Redis for a millisecond or two; a shard's calls go a few at a
// time, so other clients' commands (stream reads for boards, transitions) run between them.
const MAX_TOUCHES_PER_CALL = 64;
/** Calls of one shard out at once in a flush. */
const CALLS_PER_SHARD = 4;

/** A tracked connection and what its next write holds; one per connection, reused by every heartbeat. */
interface Tracked {
  connection: LiveConnection;
  visited: boolean;
  renew: boolean;
  /** Already in the pending list of its tenant. */
  queued: boolean;
  /** When the page last proved it lives (opened, heartbeated, answered a transport ping). */
  aliveAt: number;
}

/**
 * Coalesces heartbeats: a heartbeat only marks its connection's record in memory (no object per
 * heartbeat: they come thousands a second, beside the boards' change feed); every flush interval the marked
 * connections are written, a few dozen per script call whatever tenants of the shard they belong
 * to, advancing lastVisitAt. Every lease
 * renewal period all live connections are renewed, so a tab whose timers are throttled (but whose
 * socket answers transport pings) never looks dead; heartbeats leave leases to that. A failed
 * write keeps its touches for the next flush, so nothing is lost while Redis is away.
 */
export class PresenceBatcher {
  private pending = new Map<TenantPrefix, Tracked[]>();
  private readonly live = new Map<string, Tracked>();
  private flushTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  /** Per shard, its write now out. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly store: PresenceStore,
    private readonly timings: BatcherTimings,
    private readonly onNotice: (notice: Notice) => void,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly clock: Clock = systemClock,
  ) {}

  get connectionCount(): number {
    return this.live.size;
  }

  start(): void {
    this.flushTimer ??= setInterval(() => void this.flush(), this.timings.flushIntervalMs);
    this.renewTimer ??= setInterval(() => this.renewAll(), this.timings.leaseRenewMs);
  }

  stop(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.renewTimer);
    this.flushTimer = this.renewTimer = undefined;
  }

  track(connection: LiveConnection): void {
    if (this.live.get(connection.connectionId)?.connection === connection) return;
    this.live.set(connection.connectionId, { connection, visited: false, renew: false, queued: false, aliveAt: this.clock.now() });
  }

  /**
   * The page answered a transport ping sent at `pingSentAt`: proof it lived then, which lets its
   * renewals through even after its lease lapsed (Redis was away). Renewals without recent proof
   * (a paused node) are refused. The ping's time, not the pong's arrival: a pong that waited in a
   * frozen node's buffer proves nothing about the time the node was frozen.
   */
  alive(connection: LiveConnection, pingSentAt: number): void {
    const tracked = this.live.get(connection.connectionId);
    if (tracked && pingSentAt > tracked.aliveAt) tracked.aliveAt = pingSentAt;
  }

  /** Forgets a connection and any write still pending for it (its close is written next). */
  untrack(connection: LiveConnection): void {
    this.live.delete(connection.connectionId);
  }

  heartbeat(connection: LiveConnection): void {
    const tracked = this.live.get(connection.connectionId);
    if (tracked) {
      tracked.aliveAt = this.clock.now();
      this.mark(tracked, true, false);
    }
  }

  /** Marks every live connection for renewal (after a Redis outage, at once). */
  renewAll(): void {
    for (const tracked of this.live.values()) this.mark(tracked, false, true);
  }

  private mark(tracked: Tracked, visited: boolean, renew: boolean): void {
    tracked.visited ||= visited;
    tracked.renew ||= renew;
    if (tracked.queued) return;
    tracked.queued = true;
    const prefix = tracked.connection.prefix;
    const list = this.pending.get(prefix);
    if (list) list.push(tracked);
    else this.pending.set(prefix, [tracked]);
  }

  /**
   * Writes everything pending, each shard on its own: a shard whose previous write is still out (it
   * is away, and the write waits out the command timeout) keeps its marks for a later flush, and
   * the other shards are written meanwhile. Resolves once every write out is done, those this call
   * started and those it found running.
   */
  flush(): Promise<void> {
    if (this.pending.size === 0 && this.inFlight.size === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    const byShard = new Map<string, Array<[TenantPrefix, Tracked[]]>>();
    for (const [prefix, list] of batch) {
      const shard = this.store.shardOf(prefix);
      const group = byShard.get(shard);
      if (group) group.push([prefix, list]);
      else byShard.set(shard, [[prefix, list]]);
    }
    for (const [shard, tenants] of byShard) {
      if (this.inFlight.has(shard)) {
        // Still queued (their flag stays set): they go with the shard's next flush.
        for (const [prefix, list] of tenants) {
          const later = this.pending.get(prefix);
          if (later) later.push(...list);
          else this.pending.set(prefix, list);
        }
        continue;
      }
      const done = this.writeShard(this.calls(tenants)).finally(() => {
        if (this.inFlight.get(shard) === done) this.inFlight.delete(shard);
      });
      this.inFlight.set(shard, done);
    }
    return Promise.all(this.inFlight.values()).then(() => undefined);
  }

  /** Flushes until nothing is pending (a planned shutdown), a few rounds at most. */
  async flushAll(): Promise<void> {
    for (let round = 0; round < 3 && (this.pending.size > 0 || this.inFlight.size > 0); round++) await this.flush();
  }

  /**
   * A shard's marked connections as calls of at most MAX_TOUCHES_PER_CALL, tenant after tenant (a
   * tenant with more connections than that spans calls). Their marks are taken now: a heartbeat
   * from here on marks its connection for the next flush.
   */
  private calls(tenants: ReadonlyArray<[TenantPrefix, Tracked[]]>): TenantTouch[][] {
    const calls: TenantTouch[][] = [];
    let call: TenantTouch[] = [];
    for (const [prefix, list] of tenants) {
      for (const tracked of list) {
        tracked.queued = false;
        // Untracked since it was marked (closed, or its session ended): its close is written instead.
        if (this.live.get(tracked.connection.connectionId) !== tracked) continue;
        if (call.length === MAX_TOUCHES_PER_CALL) {
          calls.push(call);
          call = [];
        }
        const { sessionId, connectionId } = tracked.connection;
        call.push({ prefix, sessionId, connectionId, visited: tracked.visited, renew: tracked.renew, aliveAt: tracked.aliveAt });
        tracked.visited = tracked.renew = false;
      }
    }
    if (call.length > 0) calls.push(call);
    return calls;
  }

  /**
   * A shard's calls, a few at a time. Once one fails (the shard is away), the rest are not sent:
   * each would wait out the command timeout; their marks are kept for a later flush instead.
   */
  private async writeShard(calls: TenantTouch[][]): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < calls.length) {
        const call = calls[next++]!;
        if (failed || !(await this.write(call))) {
          failed = true;
          this.markAgain(call);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CALLS_PER_SHARD, calls.length) }, worker));
  }

  /** Written (and its notices handled), or false when the write failed. */
  private async write(call: TenantTouch[]): Promise<boolean> {
    try {
      const notices = await this.store.touchShard(call);
      this.metrics.presenceFlushes.inc();
      for (const notice of notices) this.onNotice(notice);
      return true;
    } catch (error) {
      this.metrics.presenceFlushErrors.inc();
      this.logger.warn({ err: error, touches: call.length }, 'presence write failed; retrying next flush');
      return false;
    }
  }

  /** A call's touches are marked again, for the next flush. */
  private markAgain(call: readonly TenantTouch[]): void {
    for (const touch of call) {
      const tracked = this.live.get(touch.connectionId);
      if (tracked) this.mark(tracked, touch.visited, touch.renew);
    }
  }
}
