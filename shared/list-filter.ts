import type { ListQuery, Range } from './list-query.js';
import type { CheckoutSession } from './session.js';

const within = (value: number | null, range: Range | undefined) =>
  range === undefined || (value !== null && (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max));
const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/**
 * What a list query's filters mean for one session, in plain code: the board filters the sessions
 * it holds with it (so its filters are the API's, parameter for parameter), and the list's oracle
 * test holds the server's indexes to it. Filters are named as the fields they test: an equality
 * matches the field's value (any of a list's), a range bounds the field (instants as epoch ms).
 */
export function matchesListQuery(s: CheckoutSession, query: Pick<ListQuery, 'equals' | 'ranges'>): boolean {
  const fields = s as unknown as Record<string, unknown>;
  for (const [field, wanted] of Object.entries(query.equals)) {
    if (wanted === undefined) continue;
    if (field === 'metadata') {
      if (!Object.entries(wanted as Record<string, string>).every(([key, value]) => s.metadata[key] === value)) return false;
    } else if (Array.isArray(wanted) ? !(wanted as unknown[]).includes(fields[field]) : fields[field] !== wanted) {
      return false;
    }
  }
  for (const [field, range] of Object.entries(query.ranges)) {
    const value = fields[field] as number | string | null;
    if (!within(typeof value === 'string' ? ms(value) : value, range)) return false;
  }
  return true;
}
