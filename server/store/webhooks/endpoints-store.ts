import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CreatedWebhookEndpoint, WebhookDeliveryAttempt, WebhookEndpoint } from '../../../shared/webhooks.js';
import type { RedisClient } from '../../redis/connect.js';
import type { Clock } from '../../clock.js';
import { keys, tenantPrefix, type Tenant } from '../keys.js';

/** An endpoint as kept in Redis: times in ms, the secret beside it (deliveries are signed with it). */
interface EndpointRecord {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: 'enabled' | 'disabled';
  createdAt: number;
  disabledAt: number | null;
  secret: string;
}

interface AttemptRecord extends Omit<WebhookDeliveryAttempt, 'attemptedAt' | 'nextRetryAt'> {
  attemptedAt: number;
  nextRetryAt: number | null;
}

/** What scripts match an event's kind against: `*`, or the types between commas. */
function routeOf(events: readonly string[]): string {
  return events.includes('*') ? '*' : `,${events.join(',')},`;
}

function toEndpoint(record: EndpointRecord): WebhookEndpoint {
  return {
    id: record.id,
    object: 'webhook_endpoint',
    url: record.url,
    events: record.events as WebhookEndpoint['events'],
    description: record.description,
    status: record.status,
    createdAt: new Date(record.createdAt).toISOString(),
    disabledAt: record.disabledAt === null ? null : new Date(record.disabledAt).toISOString(),
  };
}

/** A tenant's webhook endpoints and the log of their delivery attempts. */
export class WebhookEndpointStore {
  constructor(private readonly redis: RedisClient, private readonly clock: Clock) {}

  async count(tenant: Tenant): Promise<number> {
    return this.redis.hlen(keys.webhookEndpoints(tenantPrefix(tenant)));
  }

  /** A new enabled endpoint; its events route to it from the next transition on. */
  async create(tenant: Tenant, input: { url: string; events?: readonly string[]; description?: string }): Promise<CreatedWebhookEndpoint> {
    const prefix = tenantPrefix(tenant);
    const record: EndpointRecord = {
      id: `we_${randomBytes(12).toString('hex')}`,
      url: input.url,
      events: input.events ? [...new Set(input.events)] : ['*'],
      description: input.description ?? null,
      status: 'enabled',
      createdAt: this.clock.now(),
      disabledAt: null,
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
    };
    await this.redis.multi()
      .hset(keys.webhookEndpoints(prefix), record.id, JSON.stringify(record))
      .hset(keys.webhookRoutes(prefix), record.id, routeOf(record.events))
      .exec();
    return { ...toEndpoint(record), secret: record.secret };
  }

  async list(tenant: Tenant): Promise<WebhookEndpoint[]> {
    const all = await this.redis.hvals(keys.webhookEndpoints(tenantPrefix(tenant)));
    return all.map((raw) => toEndpoint(JSON.parse(raw) as EndpointRecord)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async get(tenant: Tenant, id: string): Promise<WebhookEndpoint | undefined> {
    const raw = await this.redis.hget(keys.webhookEndpoints(tenantPrefix(tenant)), id);
    return raw ? toEndpoint(JSON.parse(raw) as EndpointRecord) : undefined;
  }

  /** Removes the endpoint; its pending deliveries are dropped when next claimed. */
  async delete(tenant: Tenant, id: string): Promise<WebhookEndpoint | undefined> {
    const prefix = tenantPrefix(tenant);
    const endpoint = await this.get(tenant, id);
    if (!endpoint) return undefined;
    await (this.redis as Redis).multi()
      .hdel(keys.webhookEndpoints(prefix), id)
      .hdel(keys.webhookRoutes(prefix), id)
      .hdel(keys.webhookLastDelivered(prefix), id)
      .del(keys.webhookAttempts(prefix, id))
      .exec();
    return endpoint;
  }

  /** The endpoint's recent attempts, newest first. */
  async attempts(tenant: Tenant, id: string, limit: number): Promise<WebhookDeliveryAttempt[]> {
    const raw = await this.redis.lrange(keys.webhookAttempts(tenantPrefix(tenant), id), 0, limit - 1);
    return raw.map((line) => {
      const record = JSON.parse(line) as AttemptRecord;
      return {
        ...record,
        attemptedAt: new Date(record.attemptedAt).toISOString(),
        nextRetryAt: record.nextRetryAt === null ? null : new Date(record.nextRetryAt).toISOString(),
      };
    });
  }
}
