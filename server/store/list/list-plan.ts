import type { EqualityFilters, ListQuery, Range, RangeField } from '../../../shared/list-query.js';
import { metadataCode, type FieldCode, type MetadataCode } from '../session-codec.js';
import { codeOf, COUNTER_CODES } from '../session-fields.js';

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
  /** Other ranges (bit-sliced amounts and instants, lastVisitAt's sorted set): [code, min, max]. */
  rg: Array<[FieldCode, number | null, number | null]>;
  ca?: [number | null, number | null];
}

type EqualityName = Exclude<keyof EqualityFilters, 'id' | 'metadata'>;
/** Each filter's stored code, from the table of session fields (filters are named as their fields). */
const equalityCode = (field: EqualityName): FieldCode => codeOf(field);
/** Counters are unions of per-value indexes; the other ranges read their sliced or sorted index. */
const rangeCode = (field: RangeField): { code: FieldCode; counter: boolean } => {
  const code = codeOf(field);
  return { code, counter: COUNTER_CODES.has(code) };
};

const bounds = (r: Range): [number | null, number | null] => [r.min ?? null, r.max ?? null];

export function planInput(query: ListQuery): ListPlanInput {
  const input: ListPlanInput = { o: query.offset, l: query.limit, d: query.sort === 'descending' ? 1 : 0, eq: [], any: [], ct: [], rg: [] };
  const { metadata, ...equals } = query.equals;
  for (const [key, value] of Object.entries(metadata ?? {})) input.eq.push([metadataCode(key), value]);
  for (const [field, value] of Object.entries(equals) as Array<[EqualityName | 'id', string | string[] | boolean | undefined]>) {
    if (value === undefined) continue;
    if (field === 'id') {
      input.id = String(value);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 1) input.eq.push([equalityCode(field), value[0]!]);
      else input.any.push([equalityCode(field), value]);
      continue;
    }
    input.eq.push([equalityCode(field), typeof value === 'boolean' ? (value ? '1' : '0') : value]);
  }
  for (const [field, range] of Object.entries(query.ranges) as Array<[RangeField | 'createdAt', Range | undefined]>) {
    if (!range) continue;
    if (field === 'createdAt') {
      input.ca = bounds(range);
      continue;
    }
    const { code, counter } = rangeCode(field);
    (counter ? input.ct : input.rg).push([code, ...bounds(range)]);
  }
  return input;
}
