/* eslint-disable svelte/prefer-svelte-reactivity -- deliberate: plain Maps and Dates here; `version` is the single signal (see BoardStore). */
import { applyChanges, type ChangeEvent } from '../../../shared/change-event';
import { matchesListQuery } from '../../../shared/list-filter';
import { blankSession, type CheckoutSession } from '../../../shared/session';
import type { OnlinePoint, SessionStats } from '../../../shared/session-stats';
import { compareStreamIds } from '../../../shared/stream-id';
import { TAB_OF, TABS, type Declines, type FeedItem, type FeedKind, type Filters, type Kpis, type Panels, type Tab, type View } from './board-types';
import { declineWindowStart, declineWindows, displayOrder, isStuck, sessionPanels, type DeclineEvent } from './board-panels';
import { frameScheduler, UPDATE_GAP_MS } from './frame-scheduler';

export { frameScheduler } from './frame-scheduler';

const SPARK_POINTS = 180;
const FEED_SIZE = 40;
const ARRIVALS_GROUP_MS = 10_000;
/** How long the highlight of a real event (sale, failure, recovery, arrival) lasts. */
export const HIGHLIGHT_MS = 3_000;

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
    return isStuck(s, now);
  }

  /** The KPIs, the funnel, the attention lane and the map, in one pass over every session; the declines from their events. */
  panels(now: number): Panels {
    const recent = declineWindowStart(now);
    this.declineEvents = this.declineEvents.filter((e) => e.at >= recent);
    this.attemptEvents = this.attemptEvents.filter((at) => at >= recent);
    return {
      ...sessionPanels(this.sessions.values(), now, this.truncated),
      declines: declineWindows(this.declineEvents, this.attemptEvents, this.watchingSince, now),
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
