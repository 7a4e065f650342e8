import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/connect.js';
import { keys, type TenantPrefix } from './keys.js';

/** The schedule on one Redis: tenant prefix -> the earliest time it has work due. */
const SINGLE_SCHEDULE = keys.schedule();
const SLOTS = 16_384;

/**
 * Where each tenant's due time is kept: one sorted set per shard, so a sweep visits only the
 * tenants with something due, and every script that sets a deadline updates it in the same atomic
 * step. On a Cluster the schedule of a shard is `cp:schedule:{tag}` with a tag hashing to the first
 * slot of one of the shard's slot ranges: scripts reach it beside their tenant's keys (same shard,
 * another slot). A tenant is scheduled under its shard's lowest range; sweeps read the key of every
 * range, so entries written before slots moved to another shard are still found there.
 */
export interface ScheduleKeys {
  /** The schedule key of the shard holding this tenant. */
  keyFor(prefix: TenantPrefix): string;
  /** Every schedule key sweeps read now. */
  all(): string[];
  /** Reads the Cluster's slots again (after a script found its schedule key on another shard). */
  refresh(): Promise<void>;
}

const tagBySlot = new Map<number, string>();

/** A short hash tag whose slot is `slot`. */
function tagFor(slot: number): string {
  let tag = tagBySlot.get(slot);
  for (let i = 0; tag === undefined; i++) {
    if (calculateSlot(String(i)) === slot) tag = String(i);
  }
  tagBySlot.set(slot, tag);
  return tag;
}

const scheduleKey = (slot: number) => keys.schedule(tagFor(slot));

class ClusterScheduleKeys implements ScheduleKeys {
  /** Master address -> the schedule key its tenants are written to. */
  private canonical = new Map<string, string>();
  private keys: string[] = [];

  constructor(private readonly cluster: Cluster) {
    cluster.on('refresh', () => this.read());
  }

  private read(): void {
    const canonical = new Map<string, string>();
    const keys: string[] = [];
    let previous: string | undefined;
    for (let slot = 0; slot < SLOTS; slot++) {
      const owner = this.cluster.slots[slot]?.[0];
      if (owner !== undefined && owner !== previous) {
        const key = scheduleKey(slot);
        keys.push(key);
        if (!canonical.has(owner)) canonical.set(owner, key);
      }
      previous = owner;
    }
    this.canonical = canonical;
    this.keys = keys;
  }

  keyFor(prefix: TenantPrefix): string {
    const owner = this.cluster.slots[calculateSlot(prefix)]?.[0];
    let key = owner === undefined ? undefined : this.canonical.get(owner);
    if (key === undefined && owner !== undefined) {
      this.read();
      key = this.canonical.get(owner);
    }
    // Slots not known yet: the script fails before writing, and the caller refreshes and retries.
    return key ?? SINGLE_SCHEDULE;
  }

  all(): string[] {
    if (this.keys.length === 0) this.read();
    return this.keys;
  }

  async refresh(): Promise<void> {
    await new Promise<void>((resolve) => this.cluster.refreshSlotsCache(() => resolve()));
    this.read();
  }
}

const single: ScheduleKeys = {
  keyFor: () => SINGLE_SCHEDULE,
  all: () => [SINGLE_SCHEDULE],
  refresh: () => Promise.resolve(),
};

/** The shard's tenants with live pages, kept beside its schedule (lua/includes/context.lua). */
export function liveTenantsKey(scheduleKey: string): string {
  // The same tag as the schedule's, as lua/includes/context.lua derives it.
  return keys.liveTenants() + scheduleKey.slice(keys.schedule().length);
}

/**
 * The shard's count of pending webhook deliveries, beside its schedule
 * (lua/includes/pending-webhooks.lua).
 */
export function pendingWebhooksKey(scheduleKey: string): string {
  return `cp:webhooks:pending${scheduleKey.slice('cp:schedule'.length)}`;
}

const byClient = new WeakMap<RedisClient, ScheduleKeys>();

/** The schedule keys as seen through one client (a Cluster client follows its slot map). */
export function scheduleKeysOf(redis: RedisClient): ScheduleKeys {
  let found = byClient.get(redis);
  if (!found) {
    found = redis instanceof Cluster ? new ClusterScheduleKeys(redis) : single;
    byClient.set(redis, found);
  }
  return found;
}
