import type { ListQuery, Range } from './list-query.js';
import type { CheckoutSession } from './session.js';

const within = (value: number | null, range: Range | undefined) =>
  range === undefined || (value !== null && (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max));
const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/**
 * What a list query's filters mean for one session, in plain code: the board filters the sessions
 * it holds with it (so its filters are the API's, parameter for parameter), and the list's oracle
 * test holds the server's indexes to it.
 */
export function matchesListQuery(s: CheckoutSession, query: Pick<ListQuery, 'equals' | 'ranges'>): boolean {
  const e = query.equals;
  const r = query.ranges;
  return (e.status === undefined || e.status.includes(s.status))
    && (e.id === undefined || s.id === e.id)
    && (e.source === undefined || e.source.includes(s.source))
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
    && (e.paymentMethodSelected === undefined || (s.paymentMethodSelected !== null && e.paymentMethodSelected.includes(s.paymentMethodSelected)))
    && (e.metadata === undefined || Object.entries(e.metadata).every(([key, value]) => s.metadata[key] === value))
    && within(ms(s.createdAt), r.createdAt)
    && within(s.totalAmount, r.totalAmount)
    && within(s.renewalCount, r.renewalCount)
    && within(s.paymentStep, r.paymentStep)
    && within(s.attemptCount, r.attemptCount)
    && within(ms(s.completedAt), r.completedAt)
    && within(ms(s.abandonedAt), r.abandonedAt)
    && within(ms(s.updatedAt), r.updatedAt)
    && within(ms(s.expiresAt), r.expiresAt)
    && within(ms(s.lastVisitAt), r.lastVisitAt);
}
