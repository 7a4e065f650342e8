import { describe, expect, it } from 'vitest';
import { issuesToParams } from './errors.js';
import { listSessionsQuery, pageOf } from './list-query.js';
import { SEED_EXAMPLE } from '../test/list/seed-example.js';

const JAN1 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;


const parse = (query: Record<string, unknown>) => listSessionsQuery.safeParse(query);
const paramsOf = (query: Record<string, unknown>) => {
  const result = parse(query);
  if (result.success) throw new Error(`expected a failure for ${JSON.stringify(query)}`);
  return issuesToParams(result.error.issues).map((p) => Object.keys(p)[0]);
};

describe('list query: good input', () => {
  it('defaults', () => {
    expect(parse({}).data).toEqual({ limit: 20, offset: 0, sort: 'descending', equals: {}, ranges: {} });
  });

  it('parses the seed example in full, every parameter named as the source spells it', () => {
    const result = parse(Object.fromEntries(new URLSearchParams(SEED_EXAMPLE)));
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      limit: 20, offset: 0, sort: 'descending', domainAmbient: 'live',
      equals: {
        status: ['active'], id: 'sess_abc123', source: ['payment_link'], transactionId: 'tra_xyz789', linkId: 'lin_abc123',
        customerId: 'cus_abc123', externalTransactionId: 'ext_98765', integrationId: '1024', integrationType: 'woocommerce',
        online: true, recoverySent: false, firstInitialization: true, domainHost: 'checkout.example.com', language: 'pt-BR',
        paymentMethodSelected: ['pix'],
      },
      ranges: {
        // gt and lt at the same instant: a valid, empty range (min > max after making them inclusive).
        createdAt: { min: JAN1 + 1, max: JAN1 - 1 },
        totalAmount: { min: 1000, max: 9_999_999 },
        renewalCount: { min: 0, max: 10 },
        paymentStep: { min: 1, max: 3 },
        attemptCount: { min: 1, max: 5 },
        completedAt: { min: JAN1, max: JAN1 },
        lastVisitAt: { min: JAN1, max: JAN1 },
      },
    });
  });

  it.each([
    ['2026-03-05', Date.UTC(2026, 2, 5)],
    ['2026-03-05T23:59:59.999Z', Date.UTC(2026, 2, 5)],
    ['2026-03-05T22:00:00-03:00', Date.UTC(2026, 2, 6)],
  ])('daterange=%s is one UTC day', (value, start) => {
    expect(parse({ daterange: value }).data?.ranges.createdAt).toEqual({ min: start, max: start + DAY - 1 });
  });

  it.each([
    [{ daterangegt: '2026-01-01T00:00:00Z' }, { min: JAN1 + 1 }],
    [{ daterangegte: '2026-01-01T00:00:00.000Z' }, { min: JAN1 }],
    [{ daterangelt: '2026-01-01T00:00:00Z' }, { max: JAN1 - 1 }],
    // A date alone as an upper bound includes that whole day; as an exclusive one, it ends before it.
    [{ daterangelte: '2026-01-01' }, { max: JAN1 + DAY - 1 }],
    [{ daterangelte: '2026-01-01T00:00:00Z' }, { max: JAN1 }],
    [{ daterangelt: '2026-01-02' }, { max: JAN1 + DAY - 1 }],
    [{ daterange: '2026-01-01', daterangegte: '2026-01-01T06:00:00Z' }, { min: JAN1 + 6 * 3_600_000, max: JAN1 + DAY - 1 }],
  ])('createdAt bounds %j', (query, range) => {
    expect(parse(query).data?.ranges.createdAt).toEqual(range);
  });

  it.each([
    [{ online: 'false', recoverySent: 'true' }, { online: false, recoverySent: true }],
    [{ id: 'x'.repeat(128) }, { id: 'x'.repeat(128) }],
    [{ paymentmethodselected: 'credit_card' }, { paymentMethodSelected: ['credit_card'] }],
    [{ status: 'expired,abandoned', source: 'api,api' }, { status: ['expired', 'abandoned'], source: ['api'] }],
  ])('equality %j', (query, equals) => {
    expect(parse(query).data?.equals).toEqual(equals);
  });

  it('limit, offset and sort', () => {
    expect(parse({ limit: '100', offset: '100000', sort: 'ascending' }).data).toMatchObject({ limit: 100, offset: 100_000, sort: 'ascending' });
  });
});

describe('list query: bad input names every bad parameter', () => {
  it.each([
    [{ limit: '0' }, ['limit']],
    [{ limit: '101' }, ['limit']],
    [{ limit: 'ten' }, ['limit']],
    [{ offset: '-1' }, ['offset']],
    [{ offset: '1.5' }, ['offset']],
    [{ sort: 'up' }, ['sort']],
    [{ status: 'paid' }, ['status']],
    [{ status: 'expired,' }, ['status']],
    [{ source: 'email' }, ['source']],
    [{ online: 'yes' }, ['online']],
    [{ domainAmbient: 'prod' }, ['domainAmbient']],
    [{ id: '' }, ['id']],
    [{ customerId: 'x'.repeat(129) }, ['customerId']],
    [{ daterange: 'yesterday' }, ['daterange']],
    [{ daterangegt: '2026-13-01T00:00:00Z' }, ['daterangegt']],
    [{ completedAtGte: '2026-01-01T00:00:00.0001Z' }, ['completedAtGte']],
    [{ totalAmountGte: '-5' }, ['totalAmountGte']],
    [{ paymentstepgte: '5' }, ['paymentstepgte']],
    [{ paymentMethodSelected: 'pix' }, ['paymentMethodSelected']],
    [{ status: ['active', 'failed'] }, ['status']],
    // Days that do not exist are refused, not rolled over (Date.parse makes 2026-02-31 March 3).
    [{ daterangegte: '2026-02-31' }, ['daterangegte']],
    [{ completedAtLte: '2026-02-29T00:00:00Z' }, ['completedAtLte']],
    [{ daterange: '2026-13-01' }, ['daterange']],
    [{ foo: '1', limit: '0', bar: 'x' }, ['limit', 'foo', 'bar']],
  ])('%j', (query, names) => {
    expect(paramsOf(query).sort()).toEqual([...names].sort());
  });

  it.each([
    [{ totalAmountGte: '10', totalAmountLte: '9' }, ['totalAmountGte']],
    [{ renewalCountGte: '3', renewalCountLte: '1' }, ['renewalCountGte']],
    [{ paymentstepgte: '3', paymentsteplte: '1' }, ['paymentstepgte']],
    [{ attemptcountgte: '2', attemptcountlte: '1' }, ['attemptcountgte']],
    [{ updatedAtGte: '2026-01-02', updatedAtLte: '2026-01-01' }, ['updatedAtGte']],
    [{ daterangegte: '2026-01-02', daterangelt: '2026-01-01' }, ['daterangegte']],
    [{ daterange: '2026-01-05', daterangelte: '2026-01-04T23:59:59Z' }, ['daterange']],
  ])('inverted range %j', (query, names) => {
    expect(paramsOf(query)).toEqual(names);
  });

  it.each([
    { totalAmountGte: '10', totalAmountLte: '10' },
    { daterangegt: '2026-01-01T00:00:00Z', daterangelt: '2026-01-01T00:00:00Z' },
    { daterange: '2026-01-05', daterangelt: '2026-01-05T00:00:00Z' },
  ])('an empty but not inverted range is valid: %j', (query) => {
    expect(parse(query).success).toBe(true);
  });
});

describe('pageOf', () => {
  it('computes page and hasMore as the source API does', () => {
    expect(pageOf({ offset: 40, limit: 20 }, 61, [1])).toEqual({ offset: 40, limit: 20, total: 61, page: 3, data: [1], hasMore: true });
    expect(pageOf({ offset: 60, limit: 20 }, 61, [1])).toMatchObject({ hasMore: false, page: 4 });
  });
});

describe('list query: every problem at once', () => {
  it('names malformed, unknown and inverted parameters in one answer', () => {
    expect(paramsOf({ limit: '0', Status: 'active', totalAmountGte: '9', totalAmountLte: '1', online: '1' }).sort())
      .toEqual(['Status', 'limit', 'online', 'totalAmountGte']);
  });
});
