import { z } from 'zod';
import { externalId, mode } from './ids.js';
import { METADATA_MAX_PAIRS, metadataKey, metadataParamKey, metadataValue } from './metadata.js';
import { BOOLEAN_WIRE, documentedAs, INSTANT_WIRE, integerWire } from './query-params.js';
import { canonicalHost, canonicalLanguage, checkoutSession, MAX_PAYMENT_STEP, paymentMethod, sessionSource, sessionStatus } from './session.js';

/**
 * The query of `GET /v1/checkouts/sessions`, every parameter spelled as the source API spells it
 * (mixed case included). URL strings become numbers, booleans and epoch milliseconds here, once;
 * the handler and the store only ever see `ListQuery`.
 */

const DAY_MS = 86_400_000;
const isNumber = (v: unknown): v is number => typeof v === 'number';
export const MAX_LIST_LIMIT = 100;
export const DEFAULT_LIST_LIMIT = 20;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** ISO-8601 with `Z` or an offset, at most millisecond precision (what the store keeps). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** True when the date's day exists in its month (`2026-02-31` does not; Date.parse would roll it to March 3). */
function realDate(raw: string): boolean {
  const [year, month, day] = raw.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * An instant as epoch ms: `2026-01-01T00:00:00Z`, `…T00:00:00.000-03:00`, or a date: its UTC
 * midnight, or for an upper bound (`…Lte`) the last millisecond of that day, so `completedAtLte=2026-01-31`
 * includes January 31st.
 */
const instantOf = (bound: 'start' | 'end') => documentedAs(z.string().transform((raw, ctx) => {
  const dateOnly = DATE_ONLY.test(raw);
  const ms = !realDateShape(raw) ? Number.NaN : dateOnly ? Date.parse(`${raw}T00:00:00Z`) : DATE_TIME.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time such as 2026-01-01T00:00:00Z, or a date such as 2026-01-31' });
    return z.NEVER;
  }
  return dateOnly && bound === 'end' ? ms + DAY_MS - 1 : ms;
}), INSTANT_WIRE).meta({ example: '2026-01-01T00:00:00Z' });
const realDateShape = (raw: string) => /^\d{4}-\d{2}-\d{2}/.test(raw) && realDate(raw);
const instantParam = instantOf('start');
const upperInstantParam = instantOf('end');

/** `daterange`: the UTC calendar day of the given date or instant, as [start, end] inclusive. */
const dayParam = documentedAs(instantParam.transform((ms) => {
  const start = Math.floor(ms / DAY_MS) * DAY_MS;
  return { start, end: start + DAY_MS - 1 };
}), INSTANT_WIRE);

const intParam = (min: number, max = Number.MAX_SAFE_INTEGER) => documentedAs(z.string()
  .regex(/^\d{1,16}$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`)), integerWire(min, max));

const boolParam = documentedAs(z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true'), BOOLEAN_WIRE);
/** `status=expired,abandoned`: one value or several, comma-separated; a session matches any of them. */
const anyOfParam = <T extends string>(values: readonly T[]) => documentedAs(z.string().transform((raw, ctx) => {
  const list = raw.split(',');
  if (!list.every((value) => (values as readonly string[]).includes(value))) {
    ctx.addIssue({ code: 'custom', message: `must be one or more of ${values.join(', ')}, comma-separated` });
    return z.NEVER;
  }
  return [...new Set(list)] as T[];
}), { type: 'array', items: { type: 'string', enum: [...values] }, minItems: 1 });
/** Parameters that take several values, comma-separated (OpenAPI: style form, explode false). */
const MULTI_VALUE = new Set<string>(['status', 'source', 'paymentmethodselected']);

const textParam = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Equality filters: query name → the session field it matches. */
export const EQUALITY_PARAMS = {
  status: 'status',
  id: 'id',
  source: 'source',
  transactionId: 'transactionId',
  linkId: 'linkId',
  customerId: 'customerId',
  externalTransactionId: 'externalTransactionId',
  integrationId: 'integrationId',
  integrationType: 'integrationType',
  online: 'online',
  recoverySent: 'recoverySent',
  firstInitialization: 'firstInitialization',
  domainHost: 'domainHost',
  language: 'language',
  paymentmethodselected: 'paymentMethodSelected',
} as const;

/** Inclusive range filters: the field and its lower/upper query names. */
export const RANGE_PARAMS = {
  totalAmount: ['totalAmountGte', 'totalAmountLte'],
  renewalCount: ['renewalCountGte', 'renewalCountLte'],
  paymentStep: ['paymentstepgte', 'paymentsteplte'],
  attemptCount: ['attemptcountgte', 'attemptcountlte'],
  completedAt: ['completedAtGte', 'completedAtLte'],
  abandonedAt: ['abandonedAtGte', 'abandonedAtLte'],
  updatedAt: ['updatedAtGte', 'updatedAtLte'],
  expiresAt: ['expiresAtGte', 'expiresAtLte'],
  lastVisitAt: ['lastVisitAtGte', 'lastVisitAtLte'],
} as const;

export type EqualityField = (typeof EQUALITY_PARAMS)[keyof typeof EQUALITY_PARAMS];
export type RangeField = keyof typeof RANGE_PARAMS;

const amount = intParam(0);
const count = intParam(0);
const step = intParam(0, MAX_PAYMENT_STEP);

const rawShape = {
  limit: intParam(1, MAX_LIST_LIMIT).optional(),
  offset: intParam(0).optional(),
  sort: z.enum(['ascending', 'descending'], { error: 'must be ascending or descending' }).optional(),
  daterange: dayParam.optional(),
  daterangegt: instantParam.optional(),
  daterangegte: instantParam.optional(),
  daterangelt: instantParam.optional(),
  daterangelte: upperInstantParam.optional(),
  status: anyOfParam(sessionStatus.options).optional(),
  id: externalId.optional(),
  source: anyOfParam(sessionSource.options).optional(),
  transactionId: externalId.optional(),
  linkId: externalId.optional(),
  customerId: externalId.optional(),
  externalTransactionId: externalId.optional(),
  integrationId: externalId.optional(),
  integrationType: textParam(128).optional(),
  online: boolParam.optional(),
  recoverySent: boolParam.optional(),
  firstInitialization: boolParam.optional(),
  domainAmbient: mode.optional(),
  domainHost: textParam(253).transform(canonicalHost).optional(),
  language: textParam(64).transform(canonicalLanguage).optional(),
  totalAmountGte: amount.optional(),
  totalAmountLte: amount.optional(),
  renewalCountGte: count.optional(),
  renewalCountLte: count.optional(),
  paymentmethodselected: anyOfParam(paymentMethod.options).optional(),
  paymentstepgte: step.optional(),
  paymentsteplte: step.optional(),
  attemptcountgte: count.optional(),
  attemptcountlte: count.optional(),
  completedAtGte: instantParam.optional(),
  completedAtLte: upperInstantParam.optional(),
  abandonedAtGte: instantParam.optional(),
  abandonedAtLte: upperInstantParam.optional(),
  updatedAtGte: instantParam.optional(),
  updatedAtLte: upperInstantParam.optional(),
  expiresAtGte: instantParam.optional(),
  expiresAtLte: upperInstantParam.optional(),
  lastVisitAtGte: instantParam.optional(),
  lastVisitAtLte: upperInstantParam.optional(),
};
type RawQuery = z.output<z.ZodObject<typeof rawShape>>;

/** Every parameter the list accepts, for docs and for the client's filter bar. */
export const LIST_QUERY_PARAMS = Object.keys(rawShape) as Array<keyof typeof rawShape>;

/** The source API's description of each parameter (for the OpenAPI document). */
export const LIST_QUERY_DESCRIPTIONS: Record<keyof typeof rawShape, string> = {
  limit: 'Maximum number of items to return (1-100, default 20)',
  offset: 'Number of items to skip',
  sort: 'Sort order for results on createdAt (ties by id): ascending or descending (default)',
  daterange: 'Filter to a single calendar day (UTC) of createdAt',
  daterangegt: 'Lower bound (exclusive) on createdAt',
  daterangegte: 'Lower bound (inclusive) on createdAt',
  daterangelt: 'Upper bound (exclusive) on createdAt',
  daterangelte: 'Upper bound (inclusive) on createdAt; a date alone includes that whole day (UTC)',
  status: 'Filter checkout sessions by lifecycle status; several comma-separated match any (status=expired,abandoned)',
  id: 'Filter by checkout session public ID',
  source: 'Origin channel or entry point of the session; several comma-separated match any',
  transactionId: 'Linked transaction public ID, if the session produced a transaction',
  linkId: 'Filter sessions originated from a specific checkout link',
  customerId: 'Filter sessions tied to a specific customer',
  externalTransactionId: 'External transaction reference (gateway/PSP id)',
  integrationId: 'External integration identifier (e.g. WooCommerce order id)',
  integrationType: 'External integration platform slug',
  online: 'Filter sessions currently flagged as online (active live socket)',
  recoverySent: 'Filter sessions that already received a recovery (abandoned cart) message',
  firstInitialization: 'Filter sessions that have never been re-initialized',
  domainAmbient: 'Filter sessions by domain ambient (live vs test mode); a test key may not ask for live',
  domainHost: 'Filter sessions by the host that served the checkout (case-insensitive)',
  language: 'Filter sessions by client language (BCP-47 or short code, case-insensitive)',
  totalAmountGte: 'Minimum session total amount (cents, inclusive)',
  totalAmountLte: 'Maximum session total amount (cents, inclusive)',
  renewalCountGte: 'Minimum number of session renewals (inclusive)',
  renewalCountLte: 'Maximum number of session renewals (inclusive)',
  paymentmethodselected: 'Filter sessions by the payment method the customer selected; several comma-separated match any',
  paymentstepgte: 'Minimum payment funnel step (inclusive)',
  paymentsteplte: 'Maximum payment funnel step (inclusive)',
  attemptcountgte: 'Minimum number of payment attempts (inclusive)',
  attemptcountlte: 'Maximum number of payment attempts (inclusive)',
  completedAtGte: 'Completion timestamp lower bound (inclusive)',
  completedAtLte: 'Completion timestamp upper bound (inclusive); a date alone includes that whole day (UTC)',
  abandonedAtGte: 'Abandonment timestamp lower bound (inclusive)',
  abandonedAtLte: 'Abandonment timestamp upper bound (inclusive); a date alone includes that whole day (UTC)',
  updatedAtGte: 'Last update timestamp lower bound (inclusive)',
  updatedAtLte: 'Last update timestamp upper bound (inclusive); a date alone includes that whole day (UTC)',
  expiresAtGte: 'Expiration timestamp lower bound (inclusive)',
  expiresAtLte: 'Expiration timestamp upper bound (inclusive); a date alone includes that whole day (UTC)',
  lastVisitAtGte: 'Last visit timestamp lower bound (inclusive)',
  lastVisitAtLte: 'Last visit timestamp upper bound (inclusive); a date alone includes that whole day (UTC)',
};

/** The query's input side (strings as sent), for the OpenAPI document. */
export const listSessionsQueryInput = z.object(
  Object.fromEntries(LIST_QUERY_PARAMS.map((name) => [name, rawShape[name].meta({
    description: LIST_QUERY_DESCRIPTIONS[name],
    ...(MULTI_VALUE.has(name) ? { param: { style: 'form', explode: false } } : {}),
  })])),
).meta({ id: 'ListSessionsQuery' });

export interface Range {
  /** Inclusive bounds; absent means open. */
  min?: number;
  max?: number;
}

export type EqualityFilters = {
  /** Any of these (one or more). */
  status?: Array<z.infer<typeof sessionStatus>>;
  source?: Array<z.infer<typeof sessionSource>>;
  paymentMethodSelected?: Array<z.infer<typeof paymentMethod>>;
  online?: boolean;
  recoverySent?: boolean;
  firstInitialization?: boolean;
  /** `metadata[key]=value` pairs, all of which must match. */
  metadata?: Record<string, string>;
} & Partial<Record<'id' | 'transactionId' | 'linkId' | 'customerId' | 'externalTransactionId' | 'integrationId'
  | 'integrationType' | 'domainHost' | 'language', string>>;

export interface ListQuery {
  limit: number;
  offset: number;
  sort: 'ascending' | 'descending';
  domainAmbient?: z.infer<typeof mode>;
  equals: EqualityFilters;
  /** `createdAt` from `daterange*`, plus the Gte/Lte pairs; bounds inclusive, in epoch ms (or cents, counts). */
  ranges: Partial<Record<RangeField | 'createdAt', Range>>;
}

/** Lower and upper bounds as given, each with its parameter name, for the inverted-range check. */
function createdAtBounds(q: RawQuery): { lows: Array<[string, number]>; highs: Array<[string, number]> } {
  const lows: Array<[string, number]> = [];
  const highs: Array<[string, number]> = [];
  if (q.daterange && typeof q.daterange === 'object') { lows.push(['daterange', q.daterange.start]); highs.push(['daterange', q.daterange.end + 1]); }
  if (isNumber(q.daterangegt)) lows.push(['daterangegt', q.daterangegt]);
  if (isNumber(q.daterangegte)) lows.push(['daterangegte', q.daterangegte]);
  if (isNumber(q.daterangelt)) highs.push(['daterangelt', q.daterangelt]);
  if (isNumber(q.daterangelte)) highs.push(['daterangelte', q.daterangelte]);
  return { lows, highs };
}

function toListQuery(q: RawQuery): ListQuery {
  const equals: Record<string, unknown> = {};
  for (const [param, field] of Object.entries(EQUALITY_PARAMS)) {
    const value = q[param as keyof RawQuery];
    if (value !== undefined) equals[field] = value;
  }
  const metadata = metadataFilters(q);
  if (metadata) equals.metadata = metadata;
  const ranges: ListQuery['ranges'] = {};
  for (const [field, [lo, hi]] of Object.entries(RANGE_PARAMS)) {
    const min = q[lo] as number | undefined;
    const max = q[hi] as number | undefined;
    if (min !== undefined || max !== undefined) ranges[field as RangeField] = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  // Exclusive bounds become inclusive ones at millisecond resolution; the tightest bound wins.
  const mins = [q.daterange?.start, q.daterangegte, q.daterangegt === undefined ? undefined : q.daterangegt + 1];
  const maxs = [q.daterange?.end, q.daterangelte, q.daterangelt === undefined ? undefined : q.daterangelt - 1];
  const min = mins.filter((v): v is number => v !== undefined);
  const max = maxs.filter((v): v is number => v !== undefined);
  if (min.length || max.length) {
    ranges.createdAt = { ...(min.length ? { min: Math.max(...min) } : {}), ...(max.length ? { max: Math.min(...max) } : {}) };
  }
  return {
    limit: q.limit ?? DEFAULT_LIST_LIMIT,
    offset: q.offset ?? 0,
    sort: q.sort ?? 'descending',
    ...(q.domainAmbient ? { domainAmbient: q.domainAmbient } : {}),
    equals: equals as EqualityFilters,
    ranges,
  };
}

/** The `metadata[key]=value` parameters of a query (already checked), or undefined when there are none. */
function metadataFilters(q: Record<string, unknown>): Record<string, string> | undefined {
  let pairs: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(q)) {
    const key = metadataParamKey(name);
    if (key !== undefined && typeof value === 'string') (pairs ??= {})[key] = value;
  }
  return pairs;
}

/** Checks each `metadata[key]=value` parameter as the create body checks the pair. */
function checkMetadataParams(q: Record<string, unknown>, ctx: z.RefinementCtx): void {
  let count = 0;
  for (const [name, value] of Object.entries(q)) {
    const key = metadataParamKey(name);
    if (key === undefined) continue;
    count++;
    const keyCheck = metadataKey.safeParse(key);
    if (!keyCheck.success) ctx.addIssue({ code: 'custom', path: [name], message: `key ${keyCheck.error.issues[0]?.message ?? 'is invalid'}` });
    else if (typeof value !== 'string') ctx.addIssue({ code: 'custom', path: [name], message: 'must be given once' });
    else {
      const valueCheck = metadataValue.safeParse(value);
      if (!valueCheck.success) ctx.addIssue({ code: 'custom', path: [name], message: valueCheck.error.issues[0]?.message ?? 'is invalid' });
    }
  }
  if (count > METADATA_MAX_PAIRS) ctx.addIssue({ code: 'custom', path: ['metadata'], message: `must name at most ${METADATA_MAX_PAIRS} pairs` });
}

/**
 * The whole query: unknown parameters and ranges whose lower bound exceeds the upper are rejected,
 * each naming its parameter. A range that is merely empty (`gt=x&lt=x`) is valid and matches nothing.
 */
const KNOWN = new Set<string>(Object.keys(rawShape));

export const listSessionsQuery = z.looseObject(rawShape)
  // Runs even when some values are malformed, so one 400 names every bad parameter; values that
  // failed to parse are skipped by the type guards.
  .superRefine((q, ctx) => {
    checkMetadataParams(q, ctx);
    for (const name of Object.keys(q)) {
      if (!KNOWN.has(name) && metadataParamKey(name) === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'is not a parameter of this endpoint' });
    }
    const { lows, highs } = createdAtBounds(q);
    for (const [lowName, low] of lows) {
      for (const [highName, high] of highs) {
        if (low > high) ctx.addIssue({ code: 'custom', path: [lowName], message: `must not be after ${highName}` });
      }
    }
    for (const [lo, hi] of Object.values(RANGE_PARAMS)) {
      const min = q[lo];
      const max = q[hi];
      if (isNumber(min) && isNumber(max) && min > max) {
        ctx.addIssue({ code: 'custom', path: [lo], message: `must not exceed ${hi}` });
      }
    }
  }, { when: () => true })
  .transform(toListQuery);

export const listSessionsResponse = z.object({
  offset: z.int().nonnegative(),
  limit: z.int().min(1).max(MAX_LIST_LIMIT),
  total: z.int().nonnegative(),
  page: z.int().positive(),
  data: z.array(checkoutSession),
  hasMore: z.boolean(),
}).meta({ id: 'CheckoutSessionList' });
export type ListSessionsResponse = z.infer<typeof listSessionsResponse>;

/** The envelope around a page, as the source API computes `page` and `hasMore`. */
export function pageOf<T>(query: Pick<ListQuery, 'offset' | 'limit'>, total: number, data: T[]) {
  return {
    offset: query.offset,
    limit: query.limit,
    total,
    page: Math.floor(query.offset / query.limit) + 1,
    data,
    hasMore: query.offset + data.length < total,
  };
}
