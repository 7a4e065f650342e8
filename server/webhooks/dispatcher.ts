import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { toChangeEvent } from '../store/change-stream.js';
import { toIntegrationEvent } from '../store/events-store.js';
import { tenantFromPrefix, type TenantPrefix } from '../store/keys.js';
import type { AttemptOutcome, ClaimedDelivery, WebhookDeliveryStore } from '../store/webhooks/deliveries-store.js';
import { checkTarget, type HostLookup } from './address-policy.js';
import type { SendResult, WebhookRequest } from './send-webhook.js';

export interface DispatcherOptions {
  deliveries: WebhookDeliveryStore;
  clock: Clock;
  logger: Logger;
  send: (req: WebhookRequest) => Promise<SendResult>;
  lookup: HostLookup;
  allowPrivate: boolean;
  timeoutMs: number;
  perEndpoint: number;
  maxInFlight: number;
}

/**
 * Sends the deliveries this node claimed, concurrently: at most `perEndpoint` per endpoint and
 * `maxInFlight` in all, so a slow or dead endpoint only ever holds its own few slots. Events of one
 * session go to one endpoint one after the other, in event order; everything else runs side by side.
 * Each outcome is recorded in Redis by the claim it was sent under.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Map<string, number>();
  private total = 0;
  /** The last send queued per endpoint and session: the next one of that session waits for it. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly options: DispatcherOptions) {}

  /** How many more deliveries this node takes now. */
  capacity(): number {
    return Math.max(0, this.options.maxInFlight - this.total);
  }

  /** In-flight deliveries per endpoint of one tenant. */
  inFlightFor(prefix: TenantPrefix): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [key, count] of this.inFlight) {
      if (key.startsWith(prefix)) counts.set(key.slice(prefix.length), count);
    }
    return counts;
  }

  dispatch(deliveries: readonly ClaimedDelivery[]): void {
    const ordered = [...deliveries].sort((a, b) => (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
    for (const delivery of ordered) {
      if (this.abort.signal.aborted) return;
      const endpointKey = `${delivery.prefix}${delivery.endpointId}`;
      const chainKey = `${endpointKey}\n${delivery.sessionId}`;
      this.inFlight.set(endpointKey, (this.inFlight.get(endpointKey) ?? 0) + 1);
      this.total++;
      const previous = this.chains.get(chainKey) ?? Promise.resolve();
      const send: Promise<void> = previous.then(() => this.deliver(delivery)).catch((error: unknown) => {
        this.options.logger.warn({ err: error, delivery: delivery.deliveryId }, 'webhook outcome not recorded; the claim lease lets it be retried');
      }).finally(() => {
        const left = (this.inFlight.get(endpointKey) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(endpointKey);
        else this.inFlight.set(endpointKey, left);
        this.total--;
        if (this.chains.get(chainKey) === send) this.chains.delete(chainKey);
        this.running.delete(send);
      });
      this.chains.set(chainKey, send);
      this.running.add(send);
    }
  }

  /** Settles when every delivery handed over so far has been sent and recorded. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Stops: sends on their way are aborted, and their claims lapse to another node. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    if (this.abort.signal.aborted) return;
    const started = performance.now();
    const result = await this.attempt(delivery);
    // A stopped node records nothing: its claim lapses and another node sends the delivery again.
    if (this.abort.signal.aborted) return;
    const outcome: AttemptOutcome = 'statusCode' in result
      ? { delivered: result.statusCode >= 200 && result.statusCode < 300, statusCode: result.statusCode, durationMs: performance.now() - started, error: null }
      : { delivered: false, statusCode: null, durationMs: performance.now() - started, error: result.error };
    await this.options.deliveries.record(delivery, outcome);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<SendResult> {
    const tenant = tenantFromPrefix(delivery.prefix);
    const change = toChangeEvent([delivery.eventId, ['k', delivery.kind, 's', delivery.sessionId, 'at', delivery.at, 'p', delivery.patch]]);
    if (!tenant || !change) return { error: 'the event could not be read' };
    const url = new URL(delivery.url);
    // Checked again at every attempt: a name may point elsewhere now than when the endpoint was made.
    const check = await checkTarget(url, { allowPrivate: this.options.allowPrivate, lookup: this.options.lookup });
    if (!check.ok) return { error: check.reason };
    const body = JSON.stringify(toIntegrationEvent(change, tenant.mode));
    const timestamp = Math.floor(this.options.clock.now() / 1000);
    return this.options.send({
      url,
      target: check.target,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'CheckoutPulse-Webhooks/1.0',
        [EVENT_ID_HEADER]: delivery.eventId,
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, timestamp, body),
      },
      timeoutMs: this.options.timeoutMs,
      signal: this.abort.signal,
    });
  }
}
