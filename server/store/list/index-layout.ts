import type { FieldCode } from '../session-codec.js';

/**
 * Which list index each field has, as `lua/includes/indexes.lua` declares it (a test holds the two
 * to each other). The importer uses it to lay out a batch's index bits before the script stores them.
 */
/** Equality: a set, or a bitmap once common, of the ordinals holding each value. */
export const EQUALITY_CODES: ReadonlySet<FieldCode> = new Set<FieldCode>([
  'st', 'src', 'host', 'lang', 'pm', 'ity', 'tx', 'lnk', 'cus', 'etx', 'iid', 'on', 'rs', 'fi', 'rc', 'att', 'step',
]);
/** Small counters, whose seen values are kept so ranges over them are unions. */
export const COUNTER_CODES: ReadonlySet<FieldCode> = new Set<FieldCode>(['rc', 'att', 'step']);
/** Bit-sliced: one bitmap per bit of the value, plus one of the sessions that have it. */
export const SLICED_BITS: ReadonlyMap<FieldCode, number> = new Map<FieldCode, number>([
  ['amt', 37], ['ua', 42], ['ea', 42], ['cpa', 42], ['aba', 42],
]);
/** Sorted sets scored by the value (it moves at heartbeat rate). */
export const RANGE_CODES: ReadonlySet<FieldCode> = new Set<FieldCode>(['lv']);
/** Bytes per ordinal in the record index: createdAt (13 digits), then the id's 20 hex digits. */
export const REC_WIDTH = 33;
