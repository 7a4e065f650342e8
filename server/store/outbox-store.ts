import type { RedisClient } from '../redis/connect.js';
import { keys, tenantPrefix, type Tenant } from './keys.js';

/** Messages a tenant's outbox keeps: the newest, the older ones dropped. */
export const OUTBOX_CAP = 200;

/**
 * Mail kept instead of sent, per tenant, newest first: the demo's inbox when no SMTP server is
 * configured. Entries are stored as given (JSON) and read back as they were.
 */
export class OutboxStore<Entry> {
  constructor(private readonly redis: RedisClient) {}

  async append(tenant: Tenant, entry: Entry): Promise<void> {
    const key = keys.outbox(tenantPrefix(tenant));
    await this.redis.multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, OUTBOX_CAP - 1).exec();
  }

  async read(tenant: Tenant, limit: number): Promise<Entry[]> {
    const raw = await this.redis.lrange(keys.outbox(tenantPrefix(tenant)), 0, limit - 1);
    return raw.map((entry) => JSON.parse(entry) as Entry);
  }
}
