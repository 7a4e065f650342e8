import type { StoreContext } from '../store-context.js';
import { transition } from '../store-context.js';
import type { TenantPrefix } from '../keys.js';
import { pendingWebhooksKey, scheduleKeysOf } from '../schedule-keys.js';

/** A delivery this node claimed: the event's stored fields and where to send it. */
export interface ClaimedDelivery {
  prefix: TenantPrefix;
  deliveryId: string;
  /** Proves the claim is still this node's when the outcome is recorded. */
  claimToken: string;
  eventId: string;
  endpointId: string;
  sessionId: string;
  kind: string;
  /** The event's time (ms), as the stream holds it. */
  at: string;
  /** The event's patch, as the stream holds it. */
  patch: string;
  /** Attempts made before this one. */
  attemptsBefore: number;
  url: string;
  secret: string;
}

export interface ClaimOptions {
  now: number;
  leaseMs: number;
  max: number;
  perEndpoint: number;
  /** Deliveries this node already has in flight, per endpoint id. */
  inFlight: ReadonlyMap<string, number>;
}

export interface AttemptOutcome {
  delivered: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export const RecordResult = { Stale: 0, Delivered: 1, Retrying: 2, GivenUp: 3, Disabled: 4 } as const;
export type RecordResult = (typeof RecordResult)[keyof typeof RecordResult];

export interface RetrySchedule {
  /** Delays between attempts; the last one repeats. */
  delaysMs: readonly number[];
  /** Retries stop this long after the event. */
  windowMs: number;
}

const ROW = 11;

/** Pending webhook deliveries: claimed by whichever node sweeps, and settled by the one that sent them. */
export class WebhookDeliveryStore {
  constructor(private readonly ctx: StoreContext, private readonly schedule: RetrySchedule) {}

  async claim(prefix: TenantPrefix, options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const busy = [...options.inFlight].flatMap(([endpoint, count]) => [endpoint, count]);
    const reply = (await transition(this.ctx, 'claimWebhookDeliveries', prefix, [options.leaseMs, options.max, options.perEndpoint, ...busy], options.now)) as string[];
    const claimed: ClaimedDelivery[] = [];
    for (let i = 0; i + ROW <= reply.length; i += ROW) {
      const [deliveryId, claimToken, eventId, endpointId, sessionId, kind, at, patch, attempts, url, secret] = reply.slice(i, i + ROW) as [string, string, string, string, string, string, string, string, string, string, string];
      claimed.push({ prefix, deliveryId, claimToken, eventId, endpointId, sessionId, kind, at, patch, attemptsBefore: Number(attempts), url, secret });
    }
    return claimed;
  }

  /**
   * Deliveries pending over every shard: one GET per schedule key of the counts the scripts keep.
   * Summed over every key sweeps read, so a delivery counted on one shard and settled after its
   * tenant's slot moved to another leaves each key off by one and the sum right.
   */
  async pendingCount(): Promise<number> {
    const counts = await Promise.all(scheduleKeysOf(this.ctx.redis).all().map((key) => this.ctx.redis.get(pendingWebhooksKey(key))));
    return counts.reduce((sum, count) => sum + Number(count ?? 0), 0);
  }

  async record(delivery: ClaimedDelivery, outcome: AttemptOutcome): Promise<RecordResult> {
    return (await transition(this.ctx, 'recordWebhookAttempt', delivery.prefix, [
      delivery.deliveryId, delivery.claimToken, outcome.delivered ? '1' : '0', outcome.statusCode ?? '',
      Math.max(0, Math.round(outcome.durationMs)), outcome.error ?? '', this.schedule.windowMs, ...this.schedule.delaysMs,
    ])) as RecordResult;
  }
}
