import type { ListQuery, Range } from '../../shared/list-query.js';
import type { CheckoutSession } from '../../shared/session.js';

/** The plain in-memory meaning of a list query: filter everything, sort by (createdAt, id), slice. */
export function oracleList(all: readonly CheckoutSession[], query: ListQuery): { total: number; ids: string[] } {
  const within = (value: number | null, range: Range | undefined) =>
    range === undefined || (value !== null && (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max));
  const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  const e = query.equals;
  const r = query.ranges;
  const hits = all.filter((s) =>
    (e.status === undefined || s.status === e.status)
    && (e.id === undefined || s.id === e.id)
    && (e.source === undefined || s.source === e.source)
    && (e.transactionId === undefined || s.transactionId === e.transactionId)
    && (e.linkId === undefined || s.linkId === e.linkId)
    && (e.customerId === undefined || s.customerId === e.customerId)
    && (e.externalTransactionId === undefined || s.externalTransactionId === e.externalTransactionId)
    && (e.integrationId === undefined || s.integrationId === e.integrationId)
    && (e.integrationType === undefined || s.integrationType === e.integrationType)
    && (e.online === undefined || s.online === e.online)
    && (e.recoverySent === undefined || s.recoverySent === e.recoverySent)
    && (e.firstInitialization === undefined || s.firstInitialization === e.firstInitialization)
    && (e.domainHost === undefined || s.domainHost === e.domainHost)
    && (e.language === undefined || s.language === e.language)
    && (e.paymentMethodSelected === undefined || s.paymentMethodSelected === e.paymentMethodSelected)
    && within(ms(s.createdAt), r.createdAt)
    && within(s.totalAmount, r.totalAmount)
    && within(s.renewalCount, r.renewalCount)
    && within(s.paymentStep, r.paymentStep)
    && within(s.attemptCount, r.attemptCount)
    && within(ms(s.completedAt), r.completedAt)
    && within(ms(s.abandonedAt), r.abandonedAt)
    && within(ms(s.updatedAt), r.updatedAt)
    && within(ms(s.expiresAt), r.expiresAt)
    && within(ms(s.lastVisitAt), r.lastVisitAt));
  hits.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
  if (query.sort === 'descending') hits.reverse();
  return { total: hits.length, ids: hits.slice(query.offset, query.offset + query.limit).map((s) => s.id) };
}
