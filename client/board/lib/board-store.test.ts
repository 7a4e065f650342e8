import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangeEvent } from '../../../shared/change-event';
import type { CheckoutSession } from '../../../shared/session';
import { BoardStore, frameScheduler } from './board-store.svelte';
import { parseListFilter } from './list-filter';

const NOW = Date.parse('2026-06-08T15:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function session(id: string, over: Partial<CheckoutSession> = {}): CheckoutSession {
  return {
    object: 'checkout.session', id, status: 'active', source: 'api', totalAmount: 10_000, currency: 'BRL', online: false,
    lastVisitAt: null, transactionId: null, linkId: null, customerId: null, externalTransactionId: null, integrationId: null,
    integrationType: null, recoverySent: false, recovered: false, firstInitialization: true, renewalCount: 0, domainAmbient: 'test',
    domainHost: 'x.example', language: 'en', paymentMethodSelected: null, paymentStep: 0, attemptCount: 0, failure: null,
    customer: { email: `${id}@example.com`, name: null, country: null, city: null, ip: null },
    product: { id: null, name: 'Pro', quantity: 1 }, device: { type: null, os: null, browser: null },
    portalUrl: null, orderUrl: null, createdAt: iso(NOW - 60_000), updatedAt: iso(NOW - 60_000), completedAt: null, abandonedAt: null,
    expiresAt: iso(NOW + 86_400_000), ...over,
  };
}

const event = (id: string, sessionId: string, type: ChangeEvent['type'], changes: ChangeEvent['changes']): ChangeEvent => ({ id, type, sessionId, at: iso(NOW), changes });

/** A store whose frames run when the test says so. */
function manualStore() {
  const frames: Array<() => void> = [];
  const store = new BoardStore((fn) => frames.push(fn));
  return { store, runFrame: () => frames.splice(0).forEach((fn) => fn()) };
}

describe('BoardStore', () => {
  it('filters rows with any of the list API\'s parameters, read by its schema', () => {
    const { store } = manualStore();
    store.loadSnapshot([
      session('sess_cheap', { totalAmount: 1_000, language: 'pt-BR' }),
      session('sess_dear', { totalAmount: 50_000, language: 'pt-BR' }),
      session('sess_en', { totalAmount: 50_000, language: 'en' }),
    ], '100-0', 'test');
    const ids = (text: string) => store.rows('open', { query: '', method: '', onlineOnly: false, list: parseListFilter(text).list }).map((s) => s.id).sort();
    expect(ids('totalAmountGte=10000&language=pt-BR')).toEqual(['sess_dear']);
    expect(ids('totalAmountLte=10000')).toEqual(['sess_cheap']);
    expect(ids('')).toEqual(['sess_cheap', 'sess_dear', 'sess_en']);
    expect(parseListFilter('totalAmountGte=lots').error).toMatch(/^totalAmountGte /);
    expect(parseListFilter('colour=red').error).toMatch(/^colour is not a parameter/);
    expect(parseListFilter('limit=5').error).toMatch(/^limit: /);
  });

  it('takes its sparkline from the snapshot, and the server\'s counts while it holds only part of the tenant', () => {
    const { store } = manualStore();
    const history = [{ at: iso(NOW - 120_000), online: 3 }, { at: iso(NOW - 60_000), online: 5 }];
    store.loadSnapshot([session('sess_a', { online: true })], '100-0', 'test', { total: 1, onlineHistory: history });
    expect(store.onlineHistory).toEqual([3, 3, 3, 3, 3, 3, 5, 5, 5, 5, 5, 5]);
    const own = store.kpis(NOW);
    expect(store.truncated).toBe(false);
    store.serverStats = { online: 40, open: 900, failedLastHour: 7, abandonedToday: 2, expiredToday: 3, succeededToday: 30, createdToday: 60, total: 25_000, since: iso(NOW), asOf: iso(NOW) };
    // The board holds every session: its own live counts stand.
    expect(store.withServerCounts(own)).toEqual(own);
    store.loadSnapshot([session('sess_a', { online: true })], '100-0', 'test', { total: 25_000, onlineHistory: history });
    expect(store.truncated).toBe(true);
    expect(store.withServerCounts(store.kpis(NOW))).toMatchObject({ onlineNow: 40, open: 900, failedLastHour: 7, lostToday: 5, succeededToday: 30, conversionToday: 0.5 });
  });

  it('applies a burst of events in one frame, in order, once each', () => {
    const { store, runFrame } = manualStore();
    store.loadSnapshot([session('sess_a')], '100-0', 'test');
    const version = store.version;
    store.enqueue([event('101-0', 'sess_a', 'page_opened', { online: true, paymentStep: 1 })]);
    store.enqueue([event('102-0', 'sess_a', 'payment_failed', { status: 'failed', failure: { code: 'card_declined', message: 'x' } })]);
    expect(store.version).toBe(version);
    runFrame();
    expect(store.version).toBe(version + 1);
    expect(store.get('sess_a')).toMatchObject({ status: 'failed', online: true, paymentStep: 1, failure: { code: 'card_declined' } });
    // A replayed event (a resume overlapping what was applied) changes nothing.
    store.enqueue([event('101-0', 'sess_a', 'came_back', { status: 'active' })]);
    runFrame();
    expect(store.get('sess_a')?.status).toBe('failed');
    expect(store.lastEventId).toBe('102-0');
  });

  it('builds new sessions from their created event and counts tabs', () => {
    const { store, runFrame } = manualStore();
    store.loadSnapshot([session('sess_a', { status: 'completed', completedAt: iso(NOW - 1000) }), session('sess_b', { status: 'abandoned' })], '1-0', 'test');
    store.enqueue([event('2-0', 'sess_c', 'created', { status: 'active', totalAmount: 500, currency: 'BRL', product: { name: 'Ebook', id: null, quantity: 1 }, createdAt: iso(NOW), updatedAt: iso(NOW), expiresAt: iso(NOW + 1000) })]);
    runFrame();
    expect(store.counts()).toEqual({ open: 1, failed: 0, expired: 1, succeeded: 1 });
    expect(store.get('sess_c')).toMatchObject({ id: 'sess_c', product: { name: 'Ebook' }, customer: { email: null } });
  });

  it('filters and orders rows: online first on Open, then the latest change', () => {
    const { store } = manualStore();
    store.loadSnapshot([
      session('sess_old', { updatedAt: iso(NOW - 50_000) }),
      session('sess_new', { updatedAt: iso(NOW - 1_000) }),
      session('sess_live', { online: true, updatedAt: iso(NOW - 90_000), paymentMethodSelected: 'pix' }),
    ], '1-0', 'test');
    expect(store.rows('open', { query: '', method: '', onlineOnly: false }).map((s) => s.id)).toEqual(['sess_live', 'sess_new', 'sess_old']);
    expect(store.rows('open', { query: 'NEW@', method: '', onlineOnly: false }).map((s) => s.id)).toEqual(['sess_new']);
    expect(store.rows('open', { query: '', method: 'pix', onlineOnly: true }).map((s) => s.id)).toEqual(['sess_live']);
  });

  it('keeps each tab in order as changes move rows within and between tabs', () => {
    const { store, runFrame } = manualStore();
    store.loadSnapshot(['a', 'b', 'c', 'd'].map((x, i) => session(`sess_${x}`, { updatedAt: iso(NOW - (i + 1) * 1_000) })), '1-0', 'test');
    store.enqueue([
      event('2-0', 'sess_d', 'details_provided', { updatedAt: iso(NOW), paymentStep: 2 }),
      event('3-0', 'sess_b', 'payment_failed', { status: 'failed', updatedAt: iso(NOW) }),
      event('4-0', 'sess_c', 'page_opened', { online: true, updatedAt: iso(NOW - 10_000) }),
    ]);
    runFrame();
    const none = { query: '', method: '', onlineOnly: false };
    expect(store.rows('open', none).map((s) => s.id)).toEqual(['sess_c', 'sess_d', 'sess_a']);
    expect(store.rows('failed', none).map((s) => s.id)).toEqual(['sess_b']);
    expect(store.counts()).toEqual({ open: 3, failed: 1, expired: 0, succeeded: 0 });
  });

  it('computes KPIs, the funnel, money at risk, stuck sessions and a decline spike', () => {
    const { store } = manualStore();
    const failures = Array.from({ length: 6 }, (_, i) => session(`sess_f${i}`, {
      status: 'failed', attemptCount: 1, paymentMethodSelected: 'credit_card', failure: { code: 'card_declined', message: 'x' }, updatedAt: iso(NOW - 60_000),
    }));
    store.loadSnapshot([
      ...failures,
      session('sess_paid', { status: 'completed', completedAt: iso(NOW - 5_000), totalAmount: 25_000, attemptCount: 1, updatedAt: iso(NOW - 5_000) }),
      session('sess_risk', { online: true, totalAmount: 7_000, paymentStep: 3, updatedAt: iso(NOW - 6 * 60_000) }),
      session('sess_tries', { attemptCount: 3, paymentStep: 4 }),
    ], '1-0', 'test');
    const kpis = store.kpis(NOW);
    expect(kpis).toMatchObject({ onlineNow: 1, open: 2, failedLastHour: 6, succeededToday: 1, revenueToday: { cents: 25_000, currency: 'BRL' }, moneyAtRisk: { cents: 7_000 } });
    expect(store.funnel()).toEqual([0, 0, 0, 1, 1]);
    expect(store.isStuck(store.get('sess_risk')!, NOW)).toBe(true);
    expect(store.isStuck(store.get('sess_tries')!, NOW)).toBe(true);
    expect(store.isStuck(store.get('sess_paid')!, NOW)).toBe(false);
    const declines = store.declines(NOW);
    expect(declines.spike).toBe(true);
    expect(declines.byCode[0]).toMatchObject({ key: 'card_declined', recent: 6 });
  });
});

describe('frameScheduler', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('runs on the first frame at least the gap after the previous run', () => {
    const pending: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (fn: FrameRequestCallback) => pending.push(fn));
    const frame = (at: number) => pending.splice(0).forEach((fn) => fn(at));
    const schedule = frameScheduler(25);
    const runs: number[] = [];
    const ask = () => schedule(() => runs.push(runs.length));

    ask();
    frame(1_000);
    expect(runs).toEqual([0]);
    ask();
    frame(1_016.7);
    expect(runs).toEqual([0]);
    frame(1_033.3);
    expect(runs).toEqual([0, 1]);
    ask();
    frame(1_100);
    expect(runs).toEqual([0, 1, 2]);
  });
});
