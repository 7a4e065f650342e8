import type { RedisClient } from '../redis/connect.js';
import { keys, type TenantPrefix } from './keys.js';
import { liveTenantsKey, scheduleKeysOf } from './schedule-keys.js';
import { runScript } from './scripts.js';
import { transition, type StoreContext } from './store-context.js';

/** Every schedule key sweeps read now (one per shard range on a Cluster, one on a single Redis). */
export function scheduleKeys(redis: RedisClient): string[] {
  return scheduleKeysOf(redis).all();
}

/** The tenants with live pages on the shard of one schedule key. */
export async function liveTenants(redis: RedisClient, scheduleKey: string): Promise<TenantPrefix[]> {
  return (await redis.smembers(liveTenantsKey(scheduleKey))) as TenantPrefix[];
}

/** A tenant claimed from the schedule, and when its earliest work was due (ms). */
export interface DueTenant {
  prefix: TenantPrefix;
  dueAt: number;
}

/** Claims up to `limit` tenants due by `now` from one schedule key, each for `claimMs`. */
export async function claimDue(redis: RedisClient, scheduleKey: string, now: number, claimMs: number, limit: number): Promise<DueTenant[]> {
  const pairs = (await runScript(redis, 'claimDue', [scheduleKey], [now, claimMs, limit])) as string[];
  const due: DueTenant[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) due.push({ prefix: pairs[i] as TenantPrefix, dueAt: Number(pairs[i + 1]) });
  return due;
}

/**
 * Sets the tenant's time to its earliest due work (leases count from `leasesNotBefore` at the
 * earliest), or takes it out of the schedule. `claimedFrom`: the key the tenant was claimed from;
 * when slots moved and that is no longer the tenant's, the old entry goes.
 */
export async function rescheduleTenant(ctx: StoreContext, prefix: TenantPrefix, leasesNotBefore: number, claimedFrom?: string, now?: number): Promise<void> {
  await transition(ctx, 'rescheduleTenant', prefix, [leasesNotBefore], now);
  if (claimedFrom !== undefined && claimedFrom !== scheduleKeysOf(ctx.redis).keyFor(prefix)) {
    await ctx.redis.zrem(claimedFrom, prefix);
  }
}

const SEEDED = 'cp:schedule:seeded';
const SEED_BATCH = 200;

/**
 * Tenants whose data predates the schedule are entered in it once per deployment (by the nodes
 * that start before it is marked done; entering a tenant twice is harmless), so no timer set
 * before an upgrade is left without a sweep.
 */
export async function scheduleKnownTenants(ctx: StoreContext): Promise<number> {
  if ((await ctx.redis.exists(SEEDED)) === 1) return 0;
  const tenants = (await ctx.redis.smembers(keys.tenants)) as TenantPrefix[];
  for (let i = 0; i < tenants.length; i += SEED_BATCH) {
    await Promise.all(tenants.slice(i, i + SEED_BATCH).map((prefix) => rescheduleTenant(ctx, prefix, 0)));
  }
  await ctx.redis.set(SEEDED, '1');
  return tenants.length;
}
