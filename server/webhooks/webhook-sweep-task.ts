import type { SweepTask } from '../lifecycle/sweeper.js';
import type { WebhookDeliveryStore } from '../store/webhooks/deliveries-store.js';
import type { WebhookDispatcher } from './dispatcher.js';
import { WEBHOOK_CLAIM_LEASE_MS, WEBHOOK_PER_ENDPOINT } from './retry-schedule.js';

/** Deliveries claimed per tenant per sweep at most. */
const BATCH = 32;

/**
 * Finds a tenant's due deliveries during the sweep and only claims them: the dispatcher sends them
 * in the background, so neither a slow endpoint nor a long queue holds up the sweep.
 */
export function webhookSweepTask(deliveries: WebhookDeliveryStore, dispatcher: WebhookDispatcher): SweepTask {
  return {
    name: 'webhooks',
    async run(prefix, now) {
      const room = Math.min(BATCH, dispatcher.capacity());
      if (room === 0) return { applied: 0, more: false };
      const claimed = await deliveries.claim(prefix, {
        now, leaseMs: WEBHOOK_CLAIM_LEASE_MS, max: room, perEndpoint: WEBHOOK_PER_ENDPOINT, inFlight: dispatcher.inFlightFor(prefix),
      });
      dispatcher.dispatch(claimed);
      return { applied: claimed.length, more: false };
    },
  };
}
