import type { EqualityFilters, ListQuery, Range, RangeField } from '../../../shared/list-query.js';
import { metadataCode, type FieldCode, type MetadataCode } from '../session-codec.js';

/**
 * A `ListQuery` in the stored vocabulary (field codes, '1'/'0' booleans), the input of
 * listSessions-1.lua, whose planner picks the most selective index at run time from exact counts.
 */
export interface ListPlanInput {
  o: number;
  l: number;
  d: 0 | 1;
  id?: string;
  /** Equality: [code, stored value]; metadata pairs as [m:<key>, value]. */
  eq: Array<[FieldCode | MetadataCode, string]>;
  /** Any of several values: [code, stored values]. */
  any: Array<[FieldCode, string[]]>;
  /** Small counters (indexed per value): [code, min, max]. */
  ct: Array<[FieldCode, number | null, number | null]>;
  /** Range indexes scored by the value: [code, min, max]. */
  rg: Array<[FieldCode, number | null, number | null]>;
  ca?: [number | null, number | null];
}

const EQUALITY_CODES: Record<Exclude<keyof EqualityFilters, 'id' | 'metadata'>, FieldCode> = {
  status: 'st',
  source: 'src',
  paymentMethodSelected: 'pm',
  online: 'on',
  recoverySent: 'rs',
  firstInitialization: 'fi',
  transactionId: 'tx',
  linkId: 'lnk',
  customerId: 'cus',
  externalTransactionId: 'etx',
  integrationId: 'iid',
  integrationType: 'ity',
  domainHost: 'host',
  language: 'lang',
};

/** Which index answers each range: counters are unions of per-value indexes, the rest sorted sets. */
const RANGE_CODES: Record<RangeField, { code: FieldCode; counter: boolean }> = {
  totalAmount: { code: 'amt', counter: false },
  renewalCount: { code: 'rc', counter: true },
  paymentStep: { code: 'step', counter: true },
  attemptCount: { code: 'att', counter: true },
  completedAt: { code: 'cpa', counter: false },
  abandonedAt: { code: 'aba', counter: false },
  updatedAt: { code: 'ua', counter: false },
  expiresAt: { code: 'ea', counter: false },
  lastVisitAt: { code: 'lv', counter: false },
};

const bounds = (r: Range): [number | null, number | null] => [r.min ?? null, r.max ?? null];

export function planInput(query: ListQuery): ListPlanInput {
  const input: ListPlanInput = { o: query.offset, l: query.limit, d: query.sort === 'descending' ? 1 : 0, eq: [], any: [], ct: [], rg: [] };
  const { metadata, ...equals } = query.equals;
  for (const [key, value] of Object.entries(metadata ?? {})) input.eq.push([metadataCode(key), value]);
  for (const [field, value] of Object.entries(equals) as Array<[Exclude<keyof EqualityFilters, 'metadata'>, string | string[] | boolean | undefined]>) {
    if (value === undefined) continue;
    if (field === 'id') {
      input.id = String(value);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 1) input.eq.push([EQUALITY_CODES[field], value[0]!]);
      else input.any.push([EQUALITY_CODES[field], value]);
      continue;
    }
    input.eq.push([EQUALITY_CODES[field], typeof value === 'boolean' ? (value ? '1' : '0') : value]);
  }
  for (const [field, range] of Object.entries(query.ranges) as Array<[RangeField | 'createdAt', Range | undefined]>) {
    if (!range) continue;
    if (field === 'createdAt') {
      input.ca = bounds(range);
      continue;
    }
    const { code, counter } = RANGE_CODES[field];
    (counter ? input.ct : input.rg).push([code, ...bounds(range)]);
  }
  return input;
}
