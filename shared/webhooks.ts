import { z } from 'zod';
import { instant, TIMELINE_TYPES } from './session.js';
import { streamId } from './events.js';

/** Webhook endpoints and their deliveries (SPEC section 9). */
export const WEBHOOK_ENDPOINT_ID_PATTERN = /^we_[0-9a-f]{24}$/;
export const webhookEndpointId = z.string().regex(WEBHOOK_ENDPOINT_ID_PATTERN, 'must be we_ followed by 24 lowercase hex characters');

/** Every event type, or `*` for all of them (also what an endpoint without `events` receives). */
export const webhookEventType = z.enum(['*', ...TIMELINE_TYPES], { error: `must be * or one of ${TIMELINE_TYPES.join(', ')}` });
export const MAX_WEBHOOK_ENDPOINTS = 16;

export const createWebhookEndpointBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048, 'must be at most 2048 characters'),
  events: z.array(webhookEventType).min(1, 'must name at least one event type').max(TIMELINE_TYPES.length + 1).optional()
    .meta({ description: 'The event types sent to this endpoint; all of them when absent' }),
  description: z.string().max(500, 'must be at most 500 characters').optional(),
}).meta({ id: 'CreateWebhookEndpointBody' });
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBody>;

export const webhookEndpointStatus = z.enum(['enabled', 'disabled']);

export const webhookEndpoint = z.object({
  id: webhookEndpointId,
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(webhookEventType),
  description: z.string().nullable(),
  status: webhookEndpointStatus,
  createdAt: instant,
  disabledAt: instant.nullable().meta({ description: 'When deliveries failed for the whole retry window (3 days)' }),
}).meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof webhookEndpoint>;

/** The answer to a create: the only time the signing secret is shown. */
export const createdWebhookEndpoint = webhookEndpoint.extend({
  secret: z.string().regex(/^whsec_/).meta({ description: 'Signs every delivery (Checkout-Pulse-Signature); shown once' }),
}).meta({ id: 'CreatedWebhookEndpoint' });
export type CreatedWebhookEndpoint = z.infer<typeof createdWebhookEndpoint>;

export const webhookEndpointList = z.object({ data: z.array(webhookEndpoint) }).meta({ id: 'WebhookEndpointList' });
export type WebhookEndpointList = z.infer<typeof webhookEndpointList>;

/** One attempt to deliver an event to an endpoint, newest first in the list. */
export const webhookDeliveryAttempt = z.object({
  eventId: streamId,
  eventType: z.enum(TIMELINE_TYPES),
  attempt: z.int().min(1),
  outcome: z.enum(['delivered', 'retrying', 'failed']),
  statusCode: z.int().nullable().meta({ description: 'The HTTP status the endpoint answered; null when it did not answer (timeout, refused connection)' }),
  error: z.string().nullable(),
  durationMs: z.int().min(0),
  attemptedAt: instant,
  nextRetryAt: instant.nullable(),
}).meta({ id: 'WebhookDeliveryAttempt' });
export type WebhookDeliveryAttempt = z.infer<typeof webhookDeliveryAttempt>;

export const webhookDeliveryList = z.object({ data: z.array(webhookDeliveryAttempt) }).meta({ id: 'WebhookDeliveryList' });
export type WebhookDeliveryList = z.infer<typeof webhookDeliveryList>;

export const webhookEndpointPath = z.object({ id: webhookEndpointId });
