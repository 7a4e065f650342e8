/* eslint-disable svelte/prefer-svelte-reactivity -- deliberate: plain Maps and Dates here; `version` is the single signal (see BoardStore). */
import { applyChanges, type ChangeEvent } from '../../../shared/change-event';
import { matchesListQuery } from '../../../shared/list-filter';
import type { ListQuery } from '../../../shared/list-query';
import { blankSession, type CheckoutSession, type SessionStatus } from '../../../shared/session';
import type { OnlinePoint, SessionStats } from '../../../shared/session-stats';
import { compareStreamIds } from '../../../shared/stream-id';

export type Tab = 'open' | 'failed' | 'expired' | 'succeeded';
export const TABS: Tab[] = ['open', 'failed', 'expired', 'succeeded'];
/** A list the board shows: one of the tabs, or the carts at risk (open or failed, shopper online). */
export type View = Tab | 'risk';
export const TAB_OF: Record<SessionStatus, Tab> = {
  active: 'open', failed: 'failed', expired: 'expired', abandoned: 'expired', completed: 'succeeded',
};

export interface Filters {
  query: string;
  method: string;
  onlineOnly: boolean;
  /** Any of the list API's filters, parsed by its own schema. */
  list?: Pick<ListQuery, 'equals' | 'ranges'> | undefined;
}

/** Money in minor units, one entry per currency, largest first: never summed across currencies. */
export type Amounts = Array<{ currency: string; minor: number }>;

export interface Kpis {
  onlineNow: number;
  open: number;
  failedLastHour: number;
  lostToday: number;
  succeededToday: number;
  revenueToday: Amounts;
  /** Revenue from midnight yesterday to this time yesterday; undefined when the board holds no full yesterday. */
  revenueYesterday: Amounts | undefined;
  conversionToday: number | null;
  conversionYesterday: number | null | undefined;
  moneyAtRisk: Amounts;
  atRiskCount: number;
  recoveredToday: Amounts;
}

export interface DeclineRow {
  key: string;
  /** Decline events in the last 15 minutes. */
  recent: number;
  /** Decline events in the hour before, per 15 minutes. */
  previousPer15: number;
}

export interface Declines {
  byCode: DeclineRow[];
  byMethod: DeclineRow[];
  recentCount: number;
  recentRate: number | null;
  previousRate: number | null;
  /** True once the board has watched a full hour before the last 15 minutes: only then is a spike claimed. */
  hasBaseline: boolean;
  watchingSince: number;
  spike: boolean;
}

export type AttentionReason = 'failedOnline' | 'stuck' | 'bigCart';
export interface AttentionItem { session: CheckoutSession; reason: AttentionReason }

export interface Panels {
  kpis: Kpis;
  funnel: number[];
  declines: Declines;
  attention: AttentionItem[];
  /** Shoppers online by country (ISO-3166 alpha-2). */
  countries: Map<string, number>;
}

export type FeedKind = 'sale' | 'failure' | 'recovery' | 'recoverySent' | 'arrival';
export interface FeedItem {
  key: string;
  kind: FeedKind;
  at: number;
  sessionId: string;
  /** Arrivals within a few seconds are one item. */
  count: number;
  minor: number;
  currency: string;
  who: string | null;
  code: string | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STUCK_MS = 5 * 60_000;
const SPARK_POINTS = 180;
const FEED_SIZE = 40;
const ARRIVALS_GROUP_MS = 10_000;
const RECENT_MS = 15 * 60_000;
/** How long the highlight of a real event (sale, failure, recovery, arrival) lasts. */
export const HIGHLIGHT_MS = 3_000;

function startOfDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

interface Times { created: number; updated: number; completed: number }
// Sessions are replaced, never mutated, on every change: their parsed times can be cached by identity.
const timesCache = new WeakMap<CheckoutSession, Times>();
const parse = (iso: string | null | undefined) => (iso ? Date.parse(iso) : 0);
function timesOf(s: CheckoutSession): Times {
  let times = timesCache.get(s);
  if (!times) {
    times = { created: parse(s.createdAt), updated: parse(s.updatedAt), completed: parse(s.completedAt) };
    timesCache.set(s, times);
  }
  return times;
}

/**
 * Display order of every list: newest session first, by creation, then id. Creation never changes,
 * so a change to a session never moves its row; only joining or leaving a list does.
 */
function displayOrder(a: CheckoutSession, b: CheckoutSession): number {
  return timesOf(b).created - timesOf(a).created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const add = (sums: Map<string, number>, key: string, amount: number) => sums.set(key, (sums.get(key) ?? 0) + amount);
const amounts = (sums: Map<string, number>): Amounts => [...sums].map(([currency, minor]) => ({ currency, minor })).sort((a, b) => b.minor - a.minor);

interface DeclineEvent { at: number; code: string; method: string }

/** Shortest time between two applied batches: the rows change at most every other frame at 60 Hz. */
const UPDATE_GAP_MS = 25;

/**
 * Runs each callback on the first animation frame at least `gapMs` after the previous run. Under a
 * steady stream, half the frames then carry the style, layout and paint of new rows and the others
 * only the animations; a change waits at most one frame longer to reach the screen.
 */
export function frameScheduler(gapMs: number): (fn: () => void) => number {
  let last = -Infinity;
  return (fn) => {
    const tick = (at: number) => {
      if (at - last < gapMs) return void requestAnimationFrame(tick);
      last = at;
      fn();
    };
    return requestAnimationFrame(tick);
  };
}

/**
 * Everything the board shows, as one rune class. Sessions live in a plain Map (10,000 deep
 * proxies would be slow); `version` is the one reactive signal, bumped once per applied batch
 * however many events arrived, so a burst of changes costs one render.
 *
 * Each tab keeps two orders: the true one (`ordered`) and the one on screen (`shown`). A change
 * updates its row in place on screen, even one that moved the session to another tab; sessions
 * new to a tab wait behind a "N new" marker until `release`, which the board calls at a calm pace
 * or when asked, so nobody's row is shoved while they read it.
 */
export class BoardStore {
  version = $state(0);
  connection = $state<'connecting' | 'live' | 'offline'>('connecting');
  lastEventAt = $state<number | undefined>(undefined);
  /** When the connection was lost: the data on screen is as of then. */
  offlineSince = $state<number | undefined>(undefined);
  mode = $state<'live' | 'test'>('test');
  /** Samples of "online now", one every 10 s, for the 30-minute sparkline. */
  onlineHistory = $state<number[]>([]);
  /** Exact headline counts from the server, used while the tenant has more sessions than the board. */
  serverStats = $state<SessionStats | undefined>();
  /** True when the tenant had sessions beyond those the snapshot brought: counts then come from the server. */
  truncated = $state(false);

  lastEventId: string | undefined;
  /** Called after each applied batch (the benchmark measures change-to-screen time with it). */
  onApplied: ((events: readonly ChangeEvent[]) => void) | undefined;
  /** Called for each new feed item (the board's optional sale sound listens). */
  onFeed: ((item: FeedItem) => void) | undefined;
  private sessions = new Map<string, CheckoutSession>();
  /** Each tab's sessions in display order, updated in place as changes arrive (no full sorts). */
  private ordered: Record<Tab, CheckoutSession[]> = { open: [], failed: [], expired: [], succeeded: [] };
  /** What each tab shows: ids in the order of the last release. */
  private shown: Record<Tab, string[]> = { open: [], failed: [], expired: [], succeeded: [] };
  private shownSet: Record<Tab, Set<string>> = { open: new Set(), failed: new Set(), expired: new Set(), succeeded: new Set() };
  /** Sessions in a tab's true order but not yet on screen. */
  private joined: Record<Tab, Set<string>> = { open: new Set(), failed: new Set(), expired: new Set(), succeeded: new Set() };
  private highlightedAt = new Map<string, number>();
  private recoverySentAt = new Map<string, number>();
  private feedItems: FeedItem[] = [];
  private declineEvents: DeclineEvent[] = [];
  private attemptEvents: number[] = [];
  private watchingSince = Date.now();
  private pending: ChangeEvent[] = [];
  private frame = 0;
  private readonly schedule: (fn: () => void) => number;
  private readonly clock: () => number;

  constructor(schedule: (fn: () => void) => number = frameScheduler(UPDATE_GAP_MS), clock: () => number = Date.now) {
    this.schedule = schedule;
    this.clock = clock;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): CheckoutSession | undefined {
    return this.sessions.get(id);
  }

  /** When a real event (sale, failure, recovery, arrival) last touched a session. */
  highlighted(id: string): number | undefined {
    return this.highlightedAt.get(id);
  }

  /** When this board saw a recovery message go out for the session (undefined if before it opened). */
  recoverySentTime(id: string): number | undefined {
    return this.recoverySentAt.get(id);
  }

  /** Newest first. */
  feed(): readonly FeedItem[] {
    return this.feedItems;
  }

  loadSnapshot(sessions: readonly CheckoutSession[], lastEventId: string, mode: 'live' | 'test',
    extra: { total?: number; onlineHistory?: readonly OnlinePoint[] } = {}): void {
    this.truncated = (extra.total ?? sessions.length) > sessions.length;
    // The server samples once a minute; the sparkline holds a sample every 10 s.
    if (extra.onlineHistory?.length) this.onlineHistory = extra.onlineHistory.flatMap((p) => Array<number>(6).fill(p.online)).slice(-SPARK_POINTS);
    this.sessions = new Map(sessions.map((s) => [s.id, s]));
    this.ordered = { open: [], failed: [], expired: [], succeeded: [] };
    for (const s of sessions) this.ordered[TAB_OF[s.status]].push(s);
    for (const tab of TABS) {
      this.ordered[tab].sort(displayOrder);
      this.release(tab, false);
    }
    this.highlightedAt.clear();
    // A snapshot means events were missed (or this is the start): decline windows start again from here.
    this.declineEvents = [];
    this.attemptEvents = [];
    this.watchingSince = this.clock();
    this.pending = [];
    this.lastEventId = lastEventId;
    this.mode = mode;
    this.version++;
  }

  /** Queues events; they are applied together on the next frame. */
  enqueue(events: readonly ChangeEvent[]): void {
    this.pending.push(...events);
    if (!this.frame) this.frame = this.schedule(() => this.flush());
  }

  /** Applies everything queued (also called directly by tests). */
  flush(): void {
    this.frame = 0;
    const batch = this.pending;
    this.pending = [];
    let applied = 0;
    for (const event of batch) if (this.apply(event)) applied++;
    if (applied > 0) {
      this.lastEventAt = this.clock();
      this.version++;
      this.onApplied?.(batch);
    }
  }

  private apply(event: ChangeEvent): boolean {
    if (this.lastEventId && compareStreamIds(event.id, this.lastEventId) <= 0) return false;
    this.lastEventId = event.id;
    const current = this.sessions.get(event.sessionId);
    if (!current && event.type !== 'created' && event.type !== 'imported') return true;
    const base = current ?? blankSession(event.sessionId, this.mode);
    const next = applyChanges(base, event.changes) as CheckoutSession;
    if (current) this.unplace(current);
    this.place(next);
    this.sessions.set(event.sessionId, next);
    this.record(event, next);
    return true;
  }

  /** The events a person on the floor cares about: the feed, the highlight, the decline windows. */
  private record(event: ChangeEvent, s: CheckoutSession): void {
    const at = Date.parse(event.at) || this.clock();
    const seen = this.clock();
    const item = (kind: FeedKind, code: string | null = null) => {
      this.highlightedAt.set(s.id, seen);
      const head = this.feedItems[0];
      if (kind === 'arrival' && head?.kind === 'arrival' && at - head.at < ARRIVALS_GROUP_MS) {
        // A new array, so the feed sees the count change.
        this.feedItems = [{ ...head, count: head.count + 1, at }, ...this.feedItems.slice(1)];
        return;
      }
      const entry: FeedItem = {
        key: event.id, kind, at, sessionId: s.id, count: 1, minor: s.totalAmount, currency: s.currency,
        who: s.customer.name ?? s.customer.email, code,
      };
      this.feedItems = [entry, ...this.feedItems.slice(0, FEED_SIZE - 1)];
      this.onFeed?.(entry);
    };
    switch (event.type) {
      case 'payment_succeeded': item(s.recovered ? 'recovery' : 'sale'); break;
      case 'payment_failed': {
        const code = s.failure?.code ?? 'unknown';
        item('failure', code);
        this.declineEvents.push({ at, code, method: s.paymentMethodSelected ?? 'unknown' });
        break;
      }
      case 'payment_attempted': this.attemptEvents.push(at); break;
      case 'recovery_sent': this.recoverySentAt.set(s.id, at); item('recoverySent'); break;
      case 'page_opened': item('arrival'); break;
      default: break;
    }
  }

  /** First index whose row sorts after `s` in its tab (binary search). */
  private position(tab: Tab, s: CheckoutSession): number {
    const rows = this.ordered[tab];
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (displayOrder(rows[mid]!, s) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private place(s: CheckoutSession): void {
    const tab = TAB_OF[s.status];
    this.ordered[tab].splice(this.position(tab, s), 0, s);
    if (!this.shownSet[tab].has(s.id)) this.joined[tab].add(s.id);
  }

  private unplace(s: CheckoutSession): void {
    const tab = TAB_OF[s.status];
    const rows = this.ordered[tab];
    // The row sits just before where it would be inserted again.
    let i = this.position(tab, s) - 1;
    while (i >= 0 && rows[i] !== s && displayOrder(rows[i]!, s) === 0) i--;
    if (i >= 0 && rows[i] === s) rows.splice(i, 1);
    else {
      const at = rows.indexOf(s);
      if (at >= 0) rows.splice(at, 1);
    }
    this.joined[tab].delete(s.id);
  }

  /** Sessions new to a tab, waiting behind its marker. */
  waiting(tab: Tab): number {
    return this.joined[tab].size;
  }

  /** True when the tab's screen differs from its true order (new rows waiting, or rows that left it). */
  stale(tab: Tab): boolean {
    return this.joined[tab].size > 0 || this.shown[tab].length !== this.ordered[tab].length;
  }

  /** Puts the tab's true order on screen: new rows in, rows that left it out. */
  release(tab: Tab, bump = true): void {
    this.shown[tab] = this.ordered[tab].map((s) => s.id);
    this.shownSet[tab] = new Set(this.shown[tab]);
    this.joined[tab].clear();
    if (bump) this.version++;
  }

  counts(): Record<Tab, number> {
    const { open, failed, expired, succeeded } = this.ordered;
    return { open: open.length, failed: failed.length, expired: expired.length, succeeded: succeeded.length };
  }

  /** Rows of a view as on screen: each at its place since the last release, with its current data. */
  rows(view: View, filters: Filters): CheckoutSession[] {
    const source: CheckoutSession[] = [];
    if (view === 'risk') {
      for (const tab of ['open', 'failed'] as const) for (const s of this.ordered[tab]) if (s.online) source.push(s);
      source.sort(displayOrder);
    } else {
      for (const id of this.shown[view]) {
        const s = this.sessions.get(id);
        if (s) source.push(s);
      }
    }
    const query = filters.query.trim().toLowerCase();
    if (!query && !filters.method && !filters.onlineOnly && !filters.list) return source;
    const out: CheckoutSession[] = [];
    for (const s of source) {
      if (filters.list && !matchesListQuery(s, filters.list)) continue;
      if (filters.onlineOnly && !s.online) continue;
      if (filters.method && s.paymentMethodSelected !== filters.method) continue;
      if (query && !(`${s.id} ${s.customer.email ?? ''} ${s.customer.name ?? ''} ${s.product.name} ${s.failure?.code ?? ''}`.toLowerCase().includes(query))) continue;
      out.push(s);
    }
    return out;
  }

  kpis(now: number): Kpis {
    return this.panels(now).kpis;
  }

  /** Open sessions by funnel step (0-4). */
  funnel(): number[] {
    return this.panels(this.clock()).funnel;
  }

  declines(now: number): Declines {
    return this.panels(now).declines;
  }

  /** Online at step 3 or more for over 5 minutes, or 3 or more attempts. */
  isStuck(s: CheckoutSession, now: number): boolean {
    if (s.status !== 'active' && s.status !== 'failed') return false;
    return s.attemptCount >= 3 || (s.online && s.paymentStep >= 3 && now - timesOf(s).updated > STUCK_MS);
  }

  /** The KPIs, the funnel, the attention lane and the map, in one pass over every session; the declines from their events. */
  panels(now: number): Panels {
    const today = startOfDay(now);
    const yesterday = startOfDay(today - 12 * HOUR);
    const sameTimeYesterday = now - DAY;
    const hourAgo = now - HOUR;
    let onlineNow = 0; let open = 0; let failedLastHour = 0; let lostToday = 0; let succeededToday = 0; let createdToday = 0;
    let createdYesterday = 0; let succeededYesterday = 0; let oldest = Infinity; let atRiskCount = 0;
    const revenue = new Map<string, number>();
    const revenueYesterday = new Map<string, number>();
    const recovered = new Map<string, number>();
    const risk = new Map<string, number>();
    const countries = new Map<string, number>();
    const steps = [0, 0, 0, 0, 0];
    const attention: AttentionItem[] = [];
    const atPayment: CheckoutSession[] = [];
    const openAmounts: number[] = [];
    for (const s of this.sessions.values()) {
      const times = timesOf(s);
      if (times.created < oldest) oldest = times.created;
      if (s.online) {
        onlineNow++;
        if (s.customer.country) add(countries, s.customer.country, 1);
      }
      if (times.created >= today) createdToday++;
      else if (times.created >= yesterday && times.created <= sameTimeYesterday) createdYesterday++;
      if (s.online && (s.status === 'active' || s.status === 'failed')) {
        add(risk, s.currency, s.totalAmount);
        atRiskCount++;
      }
      if (s.status === 'active') {
        open++;
        steps[Math.min(4, Math.max(0, s.paymentStep))]!++;
        openAmounts.push(s.totalAmount);
        if (this.isStuck(s, now)) attention.push({ session: s, reason: 'stuck' });
        else if (s.online && s.paymentStep >= 3) atPayment.push(s);
      } else if (s.status === 'failed') {
        if (times.updated >= hourAgo) failedLastHour++;
        if (s.online) attention.push({ session: s, reason: 'failedOnline' });
        else if (this.isStuck(s, now)) attention.push({ session: s, reason: 'stuck' });
      } else if ((s.status === 'abandoned' || s.status === 'expired') && times.updated >= today) {
        lostToday++;
      } else if (s.status === 'completed') {
        if (times.completed >= today) {
          succeededToday++;
          add(revenue, s.currency, s.totalAmount);
          if (s.recovered) add(recovered, s.currency, s.totalAmount);
        } else if (times.completed >= yesterday && times.completed <= sameTimeYesterday) {
          succeededYesterday++;
          add(revenueYesterday, s.currency, s.totalAmount);
        }
      }
    }
    // A big cart is one in the top tenth of open carts (and there are enough carts to say so).
    if (openAmounts.length >= 10) {
      openAmounts.sort((a, b) => a - b);
      const big = openAmounts[Math.floor(openAmounts.length * 0.9)]!;
      for (const s of atPayment) if (s.totalAmount >= big) attention.push({ session: s, reason: 'bigCart' });
    }
    const rank: Record<AttentionReason, number> = { failedOnline: 0, stuck: 1, bigCart: 2 };
    attention.sort((a, b) => rank[a.reason] - rank[b.reason] || b.session.totalAmount - a.session.totalAmount || displayOrder(a.session, b.session));
    // Yesterday is known only if the board holds every session since its midnight.
    const coversYesterday = !this.truncated && oldest <= yesterday;
    return {
      kpis: {
        onlineNow, open, failedLastHour, lostToday, succeededToday,
        revenueToday: amounts(revenue),
        revenueYesterday: coversYesterday ? amounts(revenueYesterday) : undefined,
        conversionToday: createdToday > 0 ? succeededToday / createdToday : null,
        conversionYesterday: coversYesterday ? (createdYesterday > 0 ? succeededYesterday / createdYesterday : null) : undefined,
        moneyAtRisk: amounts(risk), atRiskCount,
        recoveredToday: amounts(recovered),
      },
      funnel: steps,
      declines: this.declineWindows(now),
      attention: attention.slice(0, 8),
      countries,
    };
  }

  /**
   * Decline events, the last 15 minutes against the hour before (per 15 minutes), as this board
   * saw them arrive. A spike is claimed only once the board has watched that whole hour before.
   */
  private declineWindows(now: number): Declines {
    const recentFrom = now - RECENT_MS;
    const previousFrom = recentFrom - HOUR;
    this.declineEvents = this.declineEvents.filter((e) => e.at >= previousFrom);
    this.attemptEvents = this.attemptEvents.filter((at) => at >= previousFrom);
    const codes = new Map<string, DeclineRow>();
    const methods = new Map<string, DeclineRow>();
    const bump = (rows: Map<string, DeclineRow>, key: string, recent: boolean) => {
      const row = rows.get(key) ?? { key, recent: 0, previousPer15: 0 };
      if (recent) row.recent++; else row.previousPer15 += 0.25;
      rows.set(key, row);
    };
    let recentFailures = 0; let previousFailures = 0;
    for (const e of this.declineEvents) {
      const recent = e.at >= recentFrom;
      if (recent) recentFailures++; else previousFailures++;
      bump(codes, e.code, recent);
      bump(methods, e.method, recent);
    }
    let recentAttempts = 0; let previousAttempts = 0;
    for (const at of this.attemptEvents) if (at >= recentFrom) recentAttempts++; else previousAttempts++;
    const recentRate = recentAttempts ? Math.min(1, recentFailures / recentAttempts) : null;
    const previousRate = previousAttempts ? Math.min(1, previousFailures / previousAttempts) : null;
    const hasBaseline = this.watchingSince <= previousFrom;
    const top = (rows: Map<string, DeclineRow>) => [...rows.values()].sort((a, b) => b.recent - a.recent || b.previousPer15 - a.previousPer15).slice(0, 5);
    return {
      byCode: top(codes), byMethod: top(methods), recentCount: recentFailures, recentRate, previousRate, hasBaseline,
      watchingSince: this.watchingSince,
      spike: hasBaseline && recentFailures >= 5 && recentRate !== null && previousRate !== null && recentRate > Math.max(0.15, previousRate * 1.5),
    };
  }

  /** The headline counts: the server's exact ones while the board holds only part of the tenant. */
  withServerCounts(kpis: Kpis): Kpis {
    const stats = this.serverStats;
    if (!this.truncated || !stats) return kpis;
    return {
      ...kpis,
      onlineNow: stats.online, open: stats.open, failedLastHour: stats.failedLastHour,
      lostToday: stats.abandonedToday + stats.expiredToday, succeededToday: stats.succeededToday,
      conversionToday: stats.createdToday > 0 ? stats.succeededToday / stats.createdToday : null,
    };
  }

  sampleOnline(now: number): void {
    this.onlineHistory = [...this.onlineHistory.slice(-(SPARK_POINTS - 1)), this.withServerCounts(this.kpis(now)).onlineNow];
  }
}
