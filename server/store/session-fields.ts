/**
 * Every stored field of a session, defined once: its short code in the session's Redis hash (half
 * the memory of full names), how its value is written, which API field it is, and which list index
 * finds sessions by it. The codec (session-codec.ts), the list plan and the importer's index layout
 * (list/), and the Lua tables of the scripts (`--@include "fields"`, written by fieldsLua below) all
 * come from this table. Adding a field: its zod schema in shared/session.ts, its default in
 * `blankSession`, and one row here.
 *
 * Stored values: absent means null (or the blank session's default); booleans are '1'/'0'; instants
 * are epoch milliseconds.
 */
export type Kind = 'str' | 'int' | 'bool' | 'time';
export type Group = 'failure' | 'customer' | 'product' | 'device';

/**
 * How the list finds sessions by a field (lua/includes/indexes.lua keeps them):
 * - equality: a set of ordinals per value, a bitmap once the value is common;
 * - counter: equality, plus the values seen, so a range is a union of values (small counters);
 * - sliced: a bit-sliced index of `bits` bits, for ranges over large numbers and instants;
 * - sorted: a sorted set scored by the value, for a field that moves at heartbeat rate.
 */
export type Index = 'equality' | 'counter' | 'sorted' | { sliced: number };

export interface FieldSpec {
  code: string;
  kind: Kind;
  /** Top-level field, or the member of a nested group. */
  name: string;
  group?: Group;
  index?: Index;
}

/** Amounts below 2^37 cents; instants (ms) below 2^42, the year 2109. */
const AMOUNT: Index = { sliced: 37 };
const INSTANT: Index = { sliced: 42 };

export const SESSION_FIELDS = [
  { code: 'st', kind: 'str', name: 'status', index: 'equality' },
  { code: 'src', kind: 'str', name: 'source', index: 'equality' },
  { code: 'amt', kind: 'int', name: 'totalAmount', index: AMOUNT },
  { code: 'cur', kind: 'str', name: 'currency' },
  { code: 'on', kind: 'bool', name: 'online', index: 'equality' },
  { code: 'lv', kind: 'time', name: 'lastVisitAt', index: 'sorted' },
  { code: 'tx', kind: 'str', name: 'transactionId', index: 'equality' },
  { code: 'lnk', kind: 'str', name: 'linkId', index: 'equality' },
  { code: 'cus', kind: 'str', name: 'customerId', index: 'equality' },
  { code: 'etx', kind: 'str', name: 'externalTransactionId', index: 'equality' },
  { code: 'iid', kind: 'str', name: 'integrationId', index: 'equality' },
  { code: 'ity', kind: 'str', name: 'integrationType', index: 'equality' },
  { code: 'rs', kind: 'bool', name: 'recoverySent', index: 'equality' },
  { code: 'rcv', kind: 'bool', name: 'recovered' },
  { code: 'fi', kind: 'bool', name: 'firstInitialization', index: 'equality' },
  { code: 'rc', kind: 'int', name: 'renewalCount', index: 'counter' },
  { code: 'host', kind: 'str', name: 'domainHost', index: 'equality' },
  { code: 'lang', kind: 'str', name: 'language', index: 'equality' },
  { code: 'pm', kind: 'str', name: 'paymentMethodSelected', index: 'equality' },
  { code: 'step', kind: 'int', name: 'paymentStep', index: 'counter' },
  { code: 'att', kind: 'int', name: 'attemptCount', index: 'counter' },
  { code: 'fc', kind: 'str', name: 'code', group: 'failure' },
  { code: 'fm', kind: 'str', name: 'message', group: 'failure' },
  { code: 'em', kind: 'str', name: 'email', group: 'customer' },
  { code: 'nm', kind: 'str', name: 'name', group: 'customer' },
  { code: 'co', kind: 'str', name: 'country', group: 'customer' },
  { code: 'ci', kind: 'str', name: 'city', group: 'customer' },
  { code: 'ip', kind: 'str', name: 'ip', group: 'customer' },
  { code: 'pid', kind: 'str', name: 'id', group: 'product' },
  { code: 'pn', kind: 'str', name: 'name', group: 'product' },
  { code: 'q', kind: 'int', name: 'quantity', group: 'product' },
  { code: 'dt', kind: 'str', name: 'type', group: 'device' },
  { code: 'os', kind: 'str', name: 'os', group: 'device' },
  { code: 'br', kind: 'str', name: 'browser', group: 'device' },
  { code: 'pu', kind: 'str', name: 'portalUrl' },
  { code: 'ou', kind: 'str', name: 'orderUrl' },
  { code: 'ca', kind: 'time', name: 'createdAt' },
  { code: 'ua', kind: 'time', name: 'updatedAt', index: INSTANT },
  { code: 'cpa', kind: 'time', name: 'completedAt', index: INSTANT },
  { code: 'aba', kind: 'time', name: 'abandonedAt', index: INSTANT },
  { code: 'ea', kind: 'time', name: 'expiresAt', index: INSTANT },
] as const satisfies readonly FieldSpec[];

export type FieldCode = (typeof SESSION_FIELDS)[number]['code'];
/** The same table, typed loosely for code that walks it. */
export const FIELDS: readonly FieldSpec[] = SESSION_FIELDS;

/** Top-level API field name → its spec (grouped members are not filters). */
export const FIELD_BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(
  FIELDS.filter((f) => !f.group).map((f) => [f.name, f]),
);
export const FIELD_BY_CODE: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.code, f]));

/** The stored code of a top-level API field; throws for a field that is not stored. */
export function codeOf(name: string): FieldCode {
  const spec = FIELD_BY_NAME.get(name);
  if (!spec) throw new Error(`${name} is not a stored session field`);
  return spec.code as FieldCode;
}

const codesWhere = (test: (index: Index | undefined) => boolean): FieldCode[] =>
  FIELDS.filter((f) => test(f.index)).map((f) => f.code as FieldCode);

/** Equality indexes (counters included): a set, or a bitmap once common, of the ordinals holding each value. */
export const EQUALITY_CODES: ReadonlySet<FieldCode> = new Set(codesWhere((i) => i === 'equality' || i === 'counter'));
/** Small counters, whose seen values are kept so ranges over them are unions. */
export const COUNTER_CODES: ReadonlySet<FieldCode> = new Set(codesWhere((i) => i === 'counter'));
/** Sorted sets scored by the value (it moves at heartbeat rate). */
export const SORTED_CODES: ReadonlySet<FieldCode> = new Set(codesWhere((i) => i === 'sorted'));
/** Bit-sliced: one bitmap per bit of the value, plus one of the sessions that have it. */
export const SLICED_BITS: ReadonlyMap<FieldCode, number> = new Map(
  FIELDS.flatMap((f) => (typeof f.index === 'object' ? [[f.code as FieldCode, f.index.sliced] as const] : [])),
);

const luaSet = (codes: Iterable<string>) => `{ ${[...codes].map((c) => `${c} = true`).join(', ')} }`;

/** The index tables for Lua, as the loader serves `--@include "fields"`. */
export function fieldsLua(): string {
  return [
    '-- Written by server/store/session-fields.ts from its table of session fields: do not edit by hand.',
    `local EQUALITY = ${luaSet(EQUALITY_CODES)}`,
    `local COUNTER = ${luaSet(COUNTER_CODES)}`,
    `local RANGE = ${luaSet(SORTED_CODES)}`,
    `local SLICED = { ${[...SLICED_BITS].map(([code, bits]) => `${code} = ${bits}`).join(', ')} }`,
  ].join('\n');
}
