import { z } from 'zod';
import { externalId, mode, sessionId } from './ids.js';
import { metadata, metadataInput } from './metadata.js';

export const SESSION_STATUSES = ['active', 'failed', 'completed', 'abandoned', 'expired'] as const;
export const sessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatus>;

export const SESSION_SOURCES = ['api', 'payment_link', 'checkout_link', 'integration'] as const;
export const sessionSource = z.enum(SESSION_SOURCES);

export const PAYMENT_METHODS = ['pix', 'credit_card', 'debit_card', 'boleto', 'wallet'] as const;
export const paymentMethod = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof paymentMethod>;

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;

/** Funnel: 0 created, 1 page opened, 2 details provided, 3 method selected, 4 payment submitted. */
export const PAYMENT_STEPS = [0, 1, 2, 3, 4] as const;
export const MAX_PAYMENT_STEP = 4;

export const TIMELINE_TYPES = [
  'created', 'page_opened', 'details_provided', 'payment_method_selected', 'payment_attempted',
  'payment_failed', 'payment_succeeded', 'went_offline', 'came_back', 'abandoned',
  'recovery_sent', 'receipt_resent', 'renewed', 'expired', 'imported',
] as const;
export const timelineType = z.enum(TIMELINE_TYPES);
export type TimelineType = z.infer<typeof timelineType>;

/** ISO-8601 UTC with milliseconds, as every timestamp of the API is written. */
export const instant = z.iso.datetime({ precision: 3 }).meta({ example: '2026-06-08T12:00:00.000Z' });

/** The ISO-4217 codes this runtime knows (its ICU data); a well-formed but unknown code is refused. */
const KNOWN_CURRENCIES = new Set<string>(Intl.supportedValuesOf('currency'));
export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code such as BRL')
  .refine((code) => KNOWN_CURRENCIES.has(code), 'is not an ISO-4217 currency code');
/** BCP-47 tag or a short language code. */
export const language = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 tag such as pt-BR');
/** BCP-47 tags are case-insensitive: `pt-br` is stored and matched as `pt-BR`. */
export function canonicalLanguage(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag;
  } catch {
    return tag;
  }
}
export const hostName = z.string().min(1).max(253).regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name');
/** Host names are case-insensitive: stored and matched lowercased. */
export const canonicalHost = (host: string): string => host.toLowerCase();

export const failure = z.object({ code: z.string(), message: z.string() });

export const checkoutSession = z.object({
  object: z.literal('checkout.session'),
  id: sessionId,
  status: sessionStatus,
  source: sessionSource,
  totalAmount: z.int().nonnegative().meta({ description: 'Minor units (cents)' }),
  currency,
  online: z.boolean(),
  lastVisitAt: instant.nullable(),
  transactionId: z.string().nullable(),
  linkId: z.string().nullable(),
  customerId: z.string().nullable(),
  externalTransactionId: z.string().nullable(),
  integrationId: z.string().nullable(),
  integrationType: z.string().nullable(),
  recoverySent: z.boolean(),
  recovered: z.boolean().meta({ description: 'Completed after a recovery message was sent' }),
  firstInitialization: z.boolean(),
  renewalCount: z.int().nonnegative(),
  domainAmbient: mode,
  domainHost: z.string(),
  language: z.string(),
  paymentMethodSelected: paymentMethod.nullable(),
  paymentStep: z.int().min(0).max(MAX_PAYMENT_STEP),
  attemptCount: z.int().nonnegative(),
  failure: failure.nullable(),
  customer: z.object({
    email: z.string().nullable(),
    name: z.string().nullable(),
    country: z.string().nullable(),
    city: z.string().nullable(),
    ip: z.string().nullable(),
  }),
  product: z.object({ id: z.string().nullable(), name: z.string(), quantity: z.int().positive() }),
  device: z.object({
    type: z.enum(DEVICE_TYPES).nullable(),
    os: z.string().nullable(),
    browser: z.string().nullable(),
  }),
  portalUrl: z.string().nullable(),
  orderUrl: z.string().nullable(),
  metadata,
  createdAt: instant,
  updatedAt: instant,
  completedAt: instant.nullable(),
  abandonedAt: instant.nullable(),
  expiresAt: instant,
}).meta({ id: 'CheckoutSession' });
export type CheckoutSession = z.infer<typeof checkoutSession>;

const EPOCH = new Date(0).toISOString();

/**
 * A session with every field at its default: what a stored session reads as where a field is
 * absent, and what a board builds on when a `created` event arrives.
 */
export function blankSession(id: string, domainAmbient: CheckoutSession['domainAmbient']): CheckoutSession {
  return {
    object: 'checkout.session', id, status: 'active', source: 'api', totalAmount: 0, currency: 'BRL',
    online: false, lastVisitAt: null, transactionId: null, linkId: null, customerId: null,
    externalTransactionId: null, integrationId: null, integrationType: null, recoverySent: false,
    recovered: false, firstInitialization: true, renewalCount: 0, domainAmbient, domainHost: '',
    language: 'en', paymentMethodSelected: null, paymentStep: 0, attemptCount: 0, failure: null,
    customer: { email: null, name: null, country: null, city: null, ip: null },
    product: { id: null, name: '', quantity: 1 },
    device: { type: null, os: null, browser: null },
    portalUrl: null, orderUrl: null, metadata: {},
    createdAt: EPOCH, updatedAt: EPOCH, completedAt: null, abandonedAt: null, expiresAt: EPOCH,
  };
}

export const timelineEntry = z.object({
  type: timelineType,
  at: instant,
  data: z.record(z.string(), z.unknown()).nullable(),
}).meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const sessionWithTimeline = checkoutSession.extend({ timeline: z.array(timelineEntry) })
  .meta({ id: 'CheckoutSessionWithTimeline' });
export type SessionWithTimeline = z.infer<typeof sessionWithTimeline>;

const customerInput = z.strictObject({
  email: z.email().max(254).optional(),
  name: z.string().min(1).max(200).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO-3166 alpha-2 code').optional(),
  city: z.string().min(1).max(100).optional(),
});

export const MAX_AMOUNT_CENTS = 100_000_000_000;

/** Body of `POST /v1/checkouts/sessions`. Device and location are filled from the page later. */
export const createSessionBody = z.strictObject({
  totalAmount: z.int().min(0).max(MAX_AMOUNT_CENTS),
  currency,
  source: sessionSource.default('api'),
  domainHost: hostName.transform(canonicalHost),
  language: language.default('en').transform(canonicalLanguage),
  customer: customerInput.default({}),
  product: z.strictObject({
    id: externalId.optional(),
    name: z.string().min(1).max(200),
    quantity: z.int().min(1).max(10_000).default(1),
  }),
  linkId: externalId.optional(),
  customerId: externalId.optional(),
  integrationId: externalId.optional(),
  integrationType: z.string().regex(/^[a-z0-9_-]{1,64}$/, 'must be a lowercase slug').optional(),
  externalTransactionId: externalId.optional(),
  metadata: metadataInput.optional(),
  /** Lifetime override; the server default (`SESSION_TTL_MS`) otherwise. */
  expiresInMs: z.int().min(60_000).max(30 * 86_400_000).optional(),
}).meta({ id: 'CreateSessionBody' });
export type CreateSessionBody = z.infer<typeof createSessionBody>;

export const createdSession = checkoutSession.extend({
  clientSecret: z.string().meta({ description: 'Give it to the checkout page only; it authenticates that one session.' }),
}).meta({ id: 'CreatedCheckoutSession' });
export type CreatedSession = z.infer<typeof createdSession>;

/** Query of every by-id endpoint: a live key may address a test session with `domainAmbient=test`. */
export const sessionLookupQuery = z.strictObject({ domainAmbient: mode.optional() });
