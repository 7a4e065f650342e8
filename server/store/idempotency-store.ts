import type { RedisClient } from '../redis/connect.js';
import { keys, tenantPrefix, type Tenant } from './keys.js';
import { sha256 } from './secrets.js';

/** How long a key's first response is kept for replays. */
const KEEP_MS = 24 * 3_600_000;

export interface KeptResponse {
  fingerprint: string;
  state: 'pending' | 'done';
  status?: number;
  body?: unknown;
}

/** The records behind `Idempotency-Key`: one per tenant and key, claimed before the request runs. */
export class IdempotencyStore {
  constructor(private readonly redis: RedisClient) {}

  private key(tenant: Tenant, idempotencyKey: string): string {
    return keys.idempotency(tenantPrefix(tenant), sha256(idempotencyKey));
  }

  /** Claims the key for a request; when another request holds it, returns what that one kept. */
  async claim(tenant: Tenant, idempotencyKey: string, fingerprint: string): Promise<{ claimed: true } | { claimed: false; kept?: KeptResponse }> {
    const key = this.key(tenant, idempotencyKey);
    const pending: KeptResponse = { fingerprint, state: 'pending' };
    const claimed = await this.redis.set(key, JSON.stringify(pending), 'PX', KEEP_MS, 'NX');
    if (claimed === 'OK') return { claimed: true };
    const raw = await this.redis.get(key);
    return raw ? { claimed: false, kept: JSON.parse(raw) as KeptResponse } : { claimed: false };
  }

  async keep(tenant: Tenant, idempotencyKey: string, fingerprint: string, status: number, body: unknown): Promise<void> {
    const done: KeptResponse = { fingerprint, state: 'done', status, body };
    await this.redis.set(this.key(tenant, idempotencyKey), JSON.stringify(done), 'PX', KEEP_MS);
  }

  /** Lets the key go (a server error), so the client may retry it. */
  async release(tenant: Tenant, idempotencyKey: string): Promise<void> {
    await this.redis.del(this.key(tenant, idempotencyKey));
  }
}
