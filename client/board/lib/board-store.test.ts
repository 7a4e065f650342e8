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
    portalUrl: null, orderUrl: null, metadata: {}, createdAt: iso(NOW - 60_000), updatedAt: iso(NOW - 60_000), completedAt: null, abandonedAt: null,
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
      session('sess_en', { totalAmount: 50_000, language: 'en', metadata: { channel: 'email' } }),
    ], '100-0', 'test');
    const ids = (text: string) => store.rows('open', { query: '', method: '', onlineOnly: false, list: parseListFilter(text).list }).map((s) => s.id).sort();
    expect(ids('totalAmountGte=10000&language=pt-BR')).toEqual(['sess_dear']);
    expect(ids('totalAmountLte=10000')).toEqual(['sess_cheap']);
    expect(ids('')).toEqual(['sess_cheap', 'sess_dear', 'sess_en']);
    expect(ids('metadata[channel]=email')).toEqual(['sess_en']);
    expect(ids('metadata[channel]=sms')).toEqual([]);
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

  it('keeps rows in a stable order: a change updates its row in place, new sessions wait for a release', () => {
    const { store, runFrame } = manualStore();
    store.loadSnapshot(['a', 'b', 'c', 'd'].map((x, i) => session(`sess_${x}`, { createdAt: iso(NOW - (i + 1) * 1_000) })), '1-0', 'test');
    const none = { query: '', method: '', onlineOnly: false };
    const ids = (view: 'open' | 'failed' | 'risk') => store.rows(view, none).map((s) => s.id);
    expect(ids('open')).toEqual(['sess_a', 'sess_b', 'sess_c', 'sess_d']);
    store.enqueue([
      event('2-0', 'sess_d', 'details_provided', { updatedAt: iso(NOW), paymentStep: 2 }),
      event('3-0', 'sess_b', 'payment_failed', { status: 'failed', updatedAt: iso(NOW), failure: { code: 'card_declined', message: 'x' } }),
      event('4-0', 'sess_c', 'page_opened', { online: true, updatedAt: iso(NOW) }),
      event('5-0', 'sess_new', 'created', { status: 'active', createdAt: iso(NOW), updatedAt: iso(NOW), expiresAt: iso(NOW + 1000) }),
    ]);
    runFrame();
    // Nothing moved: the failed row shows its new status where it was, the new session waits.
    expect(ids('open')).toEqual(['sess_a', 'sess_b', 'sess_c', 'sess_d']);
    expect(store.rows('open', none)[1]!.status).toBe('failed');
    expect(store.waiting('open')).toBe(1);
    expect(store.waiting('failed')).toBe(1);
    expect(store.counts()).toEqual({ open: 4, failed: 1, expired: 0, succeeded: 0 });
    store.release('open');
    expect(ids('open')).toEqual(['sess_new', 'sess_a', 'sess_c', 'sess_d']);
    expect(store.waiting('open')).toBe(0);
    store.release('failed');
    expect(ids('failed')).toEqual(['sess_b']);
    // At risk: open or failed with the shopper online, live (no marker).
    expect(ids('risk')).toEqual(['sess_c']);
  });

  it('feeds sales, failures with their reason, recoveries and grouped arrivals; highlights only those', () => {
    const { store, runFrame } = manualStore();
    store.loadSnapshot([session('sess_a'), session('sess_b'), session('sess_c')], '1-0', 'test');
    store.enqueue([
      event('2-0', 'sess_a', 'page_opened', { online: true }),
      event('3-0', 'sess_b', 'page_opened', { online: true }),
      event('4-0', 'sess_a', 'payment_failed', { status: 'failed', failure: { code: 'insufficient_funds', message: 'x' } }),
      event('5-0', 'sess_b', 'payment_succeeded', { status: 'completed', completedAt: iso(NOW) }),
      event('6-0', 'sess_c', 'went_offline', { online: false }),
    ]);
    runFrame();
    expect(store.feed().map((f) => [f.kind, f.count, f.code])).toEqual([['sale', 1, null], ['failure', 1, 'insufficient_funds'], ['arrival', 2, null]]);
    expect(store.highlighted('sess_a')).toBeDefined();
    expect(store.highlighted('sess_c')).toBeUndefined();
    // Arrivals close together are one item whose count grows, in a new array so the screen sees it.
    store.enqueue([event('7-0', 'sess_c', 'page_opened', { online: true })]);
    runFrame();
    const before = store.feed();
    store.enqueue([event('8-0', 'sess_c', 'came_back', { online: true }), event('9-0', 'sess_a', 'page_opened', { online: true })]);
    runFrame();
    expect(store.feed()).not.toBe(before);
    expect(store.feed()[0]).toMatchObject({ kind: 'arrival', count: 2 });
  });

  it('keeps money per currency, counts failed shoppers online at risk, and compares only with a yesterday it holds', () => {
    const { store } = manualStore();
    store.loadSnapshot([
      session('sess_brl', { status: 'completed', completedAt: iso(NOW - 5_000), totalAmount: 25_000, currency: 'BRL' }),
      session('sess_jpy', { status: 'completed', completedAt: iso(NOW - 5_000), totalAmount: 1_200, currency: 'JPY', recovered: true }),
      session('sess_open', { online: true, totalAmount: 7_000 }),
      session('sess_failed', { online: true, status: 'failed', totalAmount: 3_000, failure: { code: 'card_declined', message: 'x' } }),
      session('sess_gone', { online: false, totalAmount: 9_000 }),
    ], '1-0', 'test');
    const kpis = store.kpis(NOW);
    expect(kpis.revenueToday).toEqual([{ currency: 'BRL', minor: 25_000 }, { currency: 'JPY', minor: 1_200 }]);
    expect(kpis.recoveredToday).toEqual([{ currency: 'JPY', minor: 1_200 }]);
    expect(kpis.moneyAtRisk).toEqual([{ currency: 'BRL', minor: 10_000 }]);
    expect(kpis.atRiskCount).toBe(2);
    // Every session here was created today: there is no yesterday to compare with.
    expect(kpis.revenueYesterday).toBeUndefined();
    const attention = store.panels(NOW).attention;
    expect(attention[0]).toMatchObject({ reason: 'failedOnline', session: { id: 'sess_failed' } });
  });

  it('counts decline events in labelled windows and claims a spike only against a watched hour', () => {
    let now = NOW;
    const frames: Array<() => void> = [];
    const store = new BoardStore((fn) => frames.push(fn), () => now);
    store.loadSnapshot([session('sess_a')], '1-0', 'test');
    let seq = 2;
    const fail = (at: number, code = 'card_declined') => {
      store.enqueue([
        { id: `${seq++}-0`, type: 'payment_attempted', sessionId: 'sess_a', at: iso(at), changes: { attemptCount: seq } },
        { id: `${seq++}-0`, type: 'payment_failed', sessionId: 'sess_a', at: iso(at), changes: { status: 'failed', failure: { code, message: 'x' } } },
      ]);
      frames.splice(0).forEach((fn) => fn());
    };
    for (let i = 0; i < 6; i++) fail(NOW + i * 1_000);
    // Six failures of six attempts at once, but the board has not watched an hour before: no spike.
    const early = store.declines(now + 10_000);
    expect(early).toMatchObject({ recentCount: 6, hasBaseline: false, spike: false });
    expect(early.byCode[0]).toMatchObject({ key: 'card_declined', recent: 6 });
    // An hour and a quarter later, a calm hour watched (a few attempts, one failure), then a burst.
    now = NOW + 80 * 60_000;
    for (let i = 0; i < 4; i++) {
      store.enqueue([{ id: `${seq++}-0`, type: 'payment_attempted', sessionId: 'sess_a', at: iso(now - 30 * 60_000 + i * 60_000), changes: {} }]);
      frames.splice(0).forEach((fn) => fn());
    }
    fail(now - 40 * 60_000);
    for (let i = 0; i < 6; i++) fail(now - 60_000 + i * 1_000, 'insufficient_funds');
    const later = store.declines(now);
    expect(later).toMatchObject({ recentCount: 6, hasBaseline: true, spike: true });
    expect(later.byCode.find((r) => r.key === 'card_declined')).toMatchObject({ recent: 0, previousPer15: 0.25 });
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
