import { matchesListQuery } from '../../shared/list-filter.js';
import type { ListQuery } from '../../shared/list-query.js';
import type { CheckoutSession } from '../../shared/session.js';

/** The plain in-memory meaning of a list query: filter everything, sort by (createdAt, id), slice. */
export function oracleList(all: readonly CheckoutSession[], query: ListQuery): { total: number; ids: string[] } {
  const hits = all.filter((s) => matchesListQuery(s, query));
  hits.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
  if (query.sort === 'descending') hits.reverse();
  return { total: hits.length, ids: hits.slice(query.offset, query.offset + query.limit).map((s) => s.id) };
}
