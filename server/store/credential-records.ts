import type { Clock } from '../clock.js';
import type { RedisClient } from '../redis/connect.js';
import { RedisUnavailableError } from '../redis/unavailable.js';

/**
 * How long a node trusts a credential record it read (an API key, a board token) before reading it
 * again, unless configured (CREDENTIAL_CACHE_MS): a revocation reaches every node within this.
 * Only found records are kept, so a key made a moment ago works at once on every node.
 */
export const CREDENTIAL_CACHE_MS = 5_000;

/** While the record's shard cannot answer, a record read this recently still admits its merchant. */
export const CREDENTIAL_STALE_MS = 10 * 60_000;

/**
 * How long a read waits for Redis when such a copy could stand in. A record lives on one shard,
 * rarely the merchant's own: were that shard frozen, the read would wait out its whole command
 * deadline before the copy stood in, and the merchant's own commands would come after it.
 */
export const CREDENTIAL_STALE_WAIT_MS = 50;

interface Entry {
  fields: Record<string, string>;
  readAt: number;
}

/**
 * Credential records are global, each on one Cluster shard: read through the node's memory, a
 * merchant whose own shard is healthy keeps working while another shard (holding its key) is away.
 */
export class CredentialRecords {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly redis: RedisClient, private readonly clock: Clock, private readonly cacheMs = CREDENTIAL_CACHE_MS) {}

  /** The record's fields (empty when there is none). */
  read(key: string): Promise<Record<string, string>> {
    return this.load(key, true);
  }

  private async load(key: string, promptly: boolean): Promise<Record<string, string>> {
    const now = this.clock.now();
    const cached = this.entries.get(key);
    if (cached && now - cached.readAt < this.cacheMs) return cached.fields;
    const reading = this.redis.hgetall(key).then((fields) => {
      // Forgotten meanwhile (revoked): a read that may predate the revocation is not kept.
      if (this.entries.get(key) !== cached) return fields;
      if (Object.keys(fields).length > 0) this.entries.set(key, { fields, readAt: now });
      else this.entries.delete(key);
      return fields;
    });
    const standIn = cached && now - cached.readAt < CREDENTIAL_STALE_MS ? cached.fields : undefined;
    if (!standIn) return reading;
    try {
      return await (promptly ? within(reading, CREDENTIAL_STALE_WAIT_MS) : reading);
    } catch (error) {
      if (error instanceof RedisUnavailableError) return standIn;
      throw error;
    }
  }

  /**
   * The record as Redis holds it now, for checks that must see a revocation at once (a board's
   * hello); only while Redis cannot answer does a recently read copy stand in.
   */
  async readFresh(key: string): Promise<Record<string, string>> {
    const cached = this.entries.get(key);
    // Past its life, so the read goes to Redis (and waits for it); still there as the stand-in if Redis is away.
    if (cached) cached.readAt = Math.min(cached.readAt, this.clock.now() - this.cacheMs);
    return this.load(key, false);
  }

  /** Forgets a record this node just changed (a revocation here takes effect here at once). */
  forget(key: string): void {
    this.entries.delete(key);
  }
}

/** The read's outcome, or RedisUnavailableError once it has waited `ms` (the read still lands in the cache). */
function within<T>(reading: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailableError(`no answer within ${ms} ms`)), ms);
  });
  reading.catch(() => undefined);
  return Promise.race([reading, late]).finally(() => clearTimeout(timer));
}

const byConnection = new WeakMap<RedisClient, CredentialRecords>();

/** Sets up the cache of a node's connection with its configured life (before any store reads through it). */
export function configureCredentialRecords(redis: RedisClient, clock: Clock, cacheMs: number): CredentialRecords {
  const records = new CredentialRecords(redis, clock, cacheMs);
  byConnection.set(redis, records);
  return records;
}

/** The one cache of a connection: every store and check of a node shares it, and a revocation through any of them evicts it. */
export function credentialRecords(redis: RedisClient, clock: Clock): CredentialRecords {
  let records = byConnection.get(redis);
  if (!records) byConnection.set(redis, (records = new CredentialRecords(redis, clock)));
  return records;
}
