import { issuesToParams } from '../../../shared/errors';
import { listSessionsQuery, type ListQuery } from '../../../shared/list-query';

export interface ParsedListFilter {
  list?: Pick<ListQuery, 'equals' | 'ranges'>;
  error?: string;
}

/** What the board decides itself, not a filter: paging, order and the live/test switch. */
const NOT_FILTERS = new Set(['limit', 'offset', 'sort', 'domainAmbient']);

/**
 * The board's filter box takes the list API's own query string (`status=failed&totalAmountGte=10000`)
 * and reads it with the API's schema, so every parameter filters the board exactly as it filters
 * `GET /v1/checkouts/sessions`; a bad one is named as the API would name it.
 */
export function parseListFilter(text: string): ParsedListFilter {
  const trimmed = text.trim().replace(/^\?/, '');
  if (!trimmed) return {};
  const params = Object.fromEntries(new URLSearchParams(trimmed));
  const own = Object.keys(params).filter((name) => NOT_FILTERS.has(name));
  if (own.length) return { error: `${own.join(', ')}: set on the board itself` };
  const parsed = listSessionsQuery.safeParse(params);
  if (!parsed.success) {
    return { error: issuesToParams(parsed.error.issues).map((param) => Object.entries(param).map(([name, reason]) => `${name} ${reason}`).join('')).join('; ') };
  }
  return { list: { equals: parsed.data.equals, ranges: parsed.data.ranges } };
}
