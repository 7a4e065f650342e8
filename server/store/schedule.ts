import { keys, type TenantPrefix } from './keys.js';
import { liveTenantsKey, scheduleKeysOf } from './schedule-keys.js';
import { runScript } from './scripts.js';
import { transition, type StoreContext } from './store-context.js';

const SEED_BATCH = 200;

/** A tenant claimed from the schedule, and when its earliest work was due (ms). */
export interface DueTenant {
  prefix: TenantPrefix;
  dueAt: number;
}

/**
 * The schedule of due work, as the sweepers use it: which shards to visit, which tenants are due on
 * one, and when a swept tenant is due next. A shard is named by its schedule key.
 */
export class ScheduleStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Every shard's schedule key sweeps read now (one per shard range on a Cluster, one on a single Redis). */
  shards(): string[] {
    return scheduleKeysOf(this.ctx.redis).all();
  }

  /** The tenants with live pages on one shard. */
  async liveTenants(shard: string): Promise<TenantPrefix[]> {
    return (await this.ctx.redis.smembers(liveTenantsKey(shard))) as TenantPrefix[];
  }

  /** Claims up to `limit` tenants due by `now` on one shard, each for `claimMs`, earliest due first. */
  async claimDue(shard: string, now: number, claimMs: number, limit: number): Promise<DueTenant[]> {
    const pairs = (await runScript(this.ctx.redis, 'claimDue', [shard], [now, claimMs, limit])) as string[];
    const due: DueTenant[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) due.push({ prefix: pairs[i] as TenantPrefix, dueAt: Number(pairs[i + 1]) });
    return due;
  }

  /**
   * Sets the tenant's time to its earliest due work (leases count from `leasesNotBefore` at the
   * earliest), or takes it out of the schedule. `claimedFrom`: the shard the tenant was claimed from;
   * when slots moved and that is no longer the tenant's, the old entry goes.
   */
  async reschedule(prefix: TenantPrefix, leasesNotBefore: number, claimedFrom?: string, now?: number): Promise<void> {
    await transition(this.ctx, 'rescheduleTenant', prefix, [leasesNotBefore], now);
    if (claimedFrom !== undefined && claimedFrom !== scheduleKeysOf(this.ctx.redis).keyFor(prefix)) {
      await this.ctx.redis.zrem(claimedFrom, prefix);
    }
  }

  /**
   * Tenants whose data predates the schedule are entered in it once per deployment (by the nodes
   * that start before it is marked done; entering a tenant twice is harmless), so no timer set
   * before an upgrade is left without a sweep.
   */
  async scheduleKnownTenants(): Promise<number> {
    if ((await this.ctx.redis.exists(keys.scheduleSeeded)) === 1) return 0;
    const tenants = (await this.ctx.redis.smembers(keys.tenants)) as TenantPrefix[];
    for (let i = 0; i < tenants.length; i += SEED_BATCH) {
      await Promise.all(tenants.slice(i, i + SEED_BATCH).map((prefix) => this.reschedule(prefix, 0)));
    }
    await this.ctx.redis.set(keys.scheduleSeeded, '1');
    return tenants.length;
  }
}
