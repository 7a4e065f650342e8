import type { RetrySchedule } from '../store/webhooks/deliveries-store.js';

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;

/** SPEC section 9: about 10 s, 1 min, 10 min, 1 h, then every 6 h, for 3 days from the event. */
export const WEBHOOK_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [10 * SECOND, 60 * SECOND, 600 * SECOND, HOUR, 6 * HOUR],
  windowMs: 72 * HOUR,
};

/** How long a claimed delivery is this node's: well past the chain of sends it may wait behind. */
export const WEBHOOK_CLAIM_LEASE_MS = 120 * SECOND;
/** Deliveries one node sends to one endpoint at a time; a slow endpoint holds no more than these. */
export const WEBHOOK_PER_ENDPOINT = 4;
/** Deliveries one node has on their way at a time, all merchants together. */
export const WEBHOOK_MAX_IN_FLIGHT = 64;
