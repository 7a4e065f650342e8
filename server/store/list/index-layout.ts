/**
 * Which list index each field has, from the table of session fields (the scripts get the same
 * tables through `--@include "fields"`). The importer uses it to lay out a batch's index bits before
 * the script stores them.
 */
export { COUNTER_CODES, EQUALITY_CODES, SLICED_BITS, SORTED_CODES } from '../session-fields.js';
/** Bytes per ordinal in the record index: createdAt (13 digits), then the id's 20 hex digits. */
export const REC_WIDTH = 33;
