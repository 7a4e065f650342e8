import type { AppContext } from '../app-context.js';
import type { TenantPrefix } from '../store/keys.js';
import type { DueTenant } from '../store/schedule.js';

/** One kind of due work, applied per tenant by an atomic script that claims what it applies. */
export interface SweepTask {
  name: string;
  /** `leasesNotBefore`: lapsed leases wait until then (just after an outage of the tenant's shard). */
  run(prefix: TenantPrefix, now: number, leasesNotBefore: number): Promise<{ applied: number; more: boolean }>;
}

/** Tenants claimed per call, and swept at once (their scripts pipeline together). */
const CLAIM_BATCH = 100;
const MAX_ROUNDS = 50;

export interface SweeperOptions {
  intervalMs: number;
  /** How long a claimed tenant is left to this node before another may sweep it. */
  claimMs: number;
  /** The earliest a lapsed lease may be applied (later than now just after a whole-Redis outage). */
  leasesNotBefore(): number;
  /**
   * How long lapsed leases wait once a shard this node could not reach answers again (a restart,
   * a failover): every node renews its live pages first, so the outage flaps none of them.
   */
  outageHoldMs: number;
  /** Work after each pass (the online sampler), once the due work of the pass is applied. */
  afterPass?(now: number): Promise<void>;
}

/**
 * Runs due work (offline deadlines, lapsed leases, abandonment, expiry) for the tenants that have
 * some, found through the per-shard schedule the scripts keep: a sweep costs what is due, not the
 * number of tenants. Every node sweeps every shard; a tenant is claimed before it is swept, so the
 * nodes share the work, and each script claims what it applies, so two nodes never apply the same
 * transition even when a claim ran out.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /** Schedule keys whose shard failed this node's last claim. */
  private readonly unreachable = new Set<string>();
  /** Per schedule key: lapsed leases of its shard wait until then. */
  private readonly holdLeasesUntil = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly tasks: readonly SweepTask[],
    private readonly options: SweeperOptions,
  ) {}

  start(): void {
    const loop = () => {
      this.timer = setTimeout(() => {
        void this.tick().catch((error: unknown) => {
          this.ctx.logger.warn({ err: error }, 'sweep failed; next interval retries');
        }).finally(() => {
          if (this.timer) loop();
        });
      }, this.options.intervalMs);
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One pass over what is due on every shard; returns how many transitions it applied. */
  tick(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const started = process.hrtime.bigint();
    const shards = await Promise.all(this.ctx.schedule.shards().map((shard) => this.sweepShard(shard)));
    // How late this pass took up due work: its most overdue tenant (none due: not late at all).
    this.ctx.metrics.sweepLag.set(Math.max(0, ...shards.map((shard) => shard.lagMs)) / 1000);
    await this.options.afterPass?.(this.ctx.clock.now());
    this.ctx.metrics.sweepPassDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return shards.reduce((sum, shard) => sum + shard.applied, 0);
  }

  /**
   * Claims what is due on one shard, round after round; a shard that cannot be reached is skipped.
   * `lagMs`: how long past its due time the most overdue tenant claimed here was.
   */
  private async sweepShard(scheduleKey: string): Promise<{ applied: number; lagMs: number }> {
    let applied = 0;
    let lagMs = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.ctx.clock.now();
      let due: DueTenant[];
      try {
        due = await this.ctx.schedule.claimDue(scheduleKey, now, this.options.claimMs, CLAIM_BATCH);
      } catch (error) {
        this.unreachable.add(scheduleKey);
        this.ctx.logger.warn({ err: error, schedule: scheduleKey }, 'sweep could not reach a shard; next interval retries');
        return { applied, lagMs };
      }
      if (this.unreachable.delete(scheduleKey)) this.holdLeasesUntil.set(scheduleKey, now + this.options.outageHoldMs);
      const leasesNotBefore = Math.max(this.options.leasesNotBefore(), this.holdLeasesUntil.get(scheduleKey) ?? 0);
      // Claimed earliest due first: the first is the most overdue of the round.
      if (due[0]) lagMs = Math.max(lagMs, now - due[0].dueAt);
      const counts = await Promise.all(due.map(({ prefix }) => this.sweepTenant(prefix, scheduleKey, now, leasesNotBefore)));
      for (const count of counts) applied += count;
      if (due.length < CLAIM_BATCH) break;
    }
    return { applied, lagMs };
  }

  private async sweepTenant(prefix: TenantPrefix, claimedFrom: string, now: number, leasesNotBefore: number): Promise<number> {
    let applied = 0;
    for (const task of this.tasks) {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const result = await task.run(prefix, now, leasesNotBefore);
        applied += result.applied;
        this.ctx.metrics.sweeps.inc({ kind: task.name });
        if (result.applied > 0) this.ctx.metrics.transitions.inc({ kind: task.name }, result.applied);
        if (!result.more) break;
      }
    }
    await this.ctx.schedule.reschedule(prefix, leasesNotBefore, claimedFrom, now);
    return applied;
  }
}
