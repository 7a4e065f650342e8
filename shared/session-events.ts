import { z } from 'zod';
import { externalId } from './ids.js';
import { paymentMethod } from './session.js';

/** Failure codes are slugs such as `card_declined`, `insufficient_funds`, `expired_card`. */
export const failureCode = z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a lowercase slug such as card_declined');
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const detailsProvidedEvent = z.strictObject({
  type: z.literal('details_provided'),
  email: z.email().max(254).optional(),
});
export const paymentMethodSelectedEvent = z.strictObject({
  type: z.literal('payment_method_selected'),
  method: paymentMethod,
});
export const paymentAttemptedEvent = z.strictObject({
  type: z.literal('payment_attempted'),
  method: paymentMethod.optional(),
});
export const paymentFailedEvent = z.strictObject({
  type: z.literal('payment_failed'),
  code: failureCode,
  message: z.string().min(1).max(500),
  method: paymentMethod.optional(),
});
export const paymentSucceededEvent = z.strictObject({
  type: z.literal('payment_succeeded'),
  transactionId: externalId,
  externalTransactionId: externalId.optional(),
  portalUrl: httpUrl.optional(),
  orderUrl: httpUrl.optional(),
  method: paymentMethod.optional(),
});

/** Body of `POST /v1/checkouts/sessions/:id/events`: flat, discriminated by `type`. */
export const sessionEventBody = z.discriminatedUnion('type', [
  detailsProvidedEvent,
  paymentMethodSelectedEvent,
  paymentAttemptedEvent,
  paymentFailedEvent,
  paymentSucceededEvent,
]).meta({ id: 'SessionEvent' });
export type SessionEventBody = z.infer<typeof sessionEventBody>;
export type SessionEventType = SessionEventBody['type'];

/** Body of `POST …/:id/renew`: an optional new lifetime. */
export const renewBody = z.strictObject({
  expiresInMs: z.int().min(60_000).max(30 * 86_400_000).optional(),
}).meta({ id: 'RenewBody' });

/** Body of the actions that take none (`recovery`, `receipt`): empty or absent. */
export const emptyBody = z.strictObject({}).meta({ id: 'EmptyBody' });

/** Sessions' `Idempotency-Key` header: what a client retries with. */
export const idempotencyKey = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
