/* eslint-disable svelte/prefer-svelte-reactivity -- deliberate: plain Maps and Dates here; `version` is the single signal (see BoardStore). */
import { applyChanges, type ChangeEvent } from '../../../shared/change-event';
import { matchesListQuery } from '../../../shared/list-filter';
import type { ListQuery } from '../../../shared/list-query';
import type { CheckoutSession, SessionStatus } from '../../../shared/session';
import type { OnlinePoint, SessionStats } from '../../../shared/session-stats';
import { compareStreamIds } from '../../../shared/stream-id';

export type Tab = 'open' | 'failed' | 'expired' | 'succeeded';
export const TABS: Tab[] = ['open', 'failed', 'expired', 'succeeded'];
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

export interface Kpis {
  onlineNow: number;
  open: number;
  failedLastHour: number;
  lostToday: number;
  succeededToday: number;
  revenueToday: { cents: number; currency: string };
  conversionToday: number | null;
  moneyAtRisk: { cents: number; currency: string };
}

export interface DeclineRow {
  key: string;
  recent: number;
  previousHourPer15: number;
}

export interface Panels {
  kpis: Kpis;
  funnel: number[];
  declines: Declines;
}

export interface Declines {
  byCode: DeclineRow[];
  byMethod: DeclineRow[];
  recentRate: number;
  previousRate: number;
  spike: boolean;
}

const HOUR = 3_600_000;
const STUCK_MS = 5 * 60_000;
const SPARK_POINTS = 180;

function startOfToday(now: number): number {
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

/** Display order of a tab: online first on Open, then the latest change first, then id. */
function displayOrder(tab: Tab, a: CheckoutSession, b: CheckoutSession): number {
  if (tab === 'open' && a.online !== b.online) return a.online ? -1 : 1;
  return timesOf(b).updated - timesOf(a).updated || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const add = (sums: Map<string, number>, key: string, amount: number) => sums.set(key, (sums.get(key) ?? 0) + amount);

/** The currency with the most money in it. */
function largest(sums: Map<string, number>): { cents: number; currency: string } {
  let best = { cents: 0, currency: 'BRL' };
  for (const [currency, cents] of sums) if (cents > best.cents) best = { cents, currency };
  return best;
}

function bump(rows: Map<string, DeclineRow>, key: string, recent: boolean): void {
  const row = rows.get(key) ?? { key, recent: 0, previousHourPer15: 0 };
  if (recent) row.recent++; else row.previousHourPer15 += 0.25;
  rows.set(key, row);
}

const topRows = (rows: Map<string, DeclineRow>) => [...rows.values()].sort((a, b) => b.recent - a.recent || b.previousHourPer15 - a.previousHourPer15).slice(0, 6);

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
 */
export class BoardStore {
  version = $state(0);
  connection = $state<'connecting' | 'live' | 'offline'>('connecting');
  lastEventAt = $state<number | undefined>(undefined);
  mode = $state<'live' | 'test'>('test');
  /** Samples of "online now", one every 10 s, for the 30-minute sparkline. */
  onlineHistory = $state<number[]>([]);
  /** Exact headline counts from the server, used while the tenant has more sessions than the board. */
  serverStats = $state<SessionStats | undefined>();

  lastEventId: string | undefined;
  /** Called after each applied batch (the benchmark measures change-to-screen time with it). */
  onApplied: ((events: readonly ChangeEvent[]) => void) | undefined;
  private sessions = new Map<string, CheckoutSession>();
  /** Each tab's sessions kept in display order, updated in place as changes arrive (no full sorts). */
  private ordered: Record<Tab, CheckoutSession[]> = { open: [], failed: [], expired: [], succeeded: [] };
  private changedAt = new Map<string, number>();
  private pending: ChangeEvent[] = [];
  private frame = 0;
  private readonly schedule: (fn: () => void) => number;

  constructor(schedule: (fn: () => void) => number = frameScheduler(UPDATE_GAP_MS)) {
    this.schedule = schedule;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): CheckoutSession | undefined {
    return this.sessions.get(id);
  }

  /** When a session last changed (for the row's "just changed" mark). */
  changed(id: string): number | undefined {
    return this.changedAt.get(id);
  }

  /** True when the tenant had sessions beyond those the snapshot brought: counts then come from the server. */
  truncated = $state(false);

  loadSnapshot(sessions: readonly CheckoutSession[], lastEventId: string, mode: 'live' | 'test',
    extra: { total?: number; onlineHistory?: readonly OnlinePoint[] } = {}): void {
    this.truncated = (extra.total ?? sessions.length) > sessions.length;
    // The server samples once a minute; the sparkline holds a sample every 10 s.
    if (extra.onlineHistory?.length) this.onlineHistory = extra.onlineHistory.flatMap((p) => Array<number>(6).fill(p.online)).slice(-SPARK_POINTS);
    this.sessions = new Map(sessions.map((s) => [s.id, s]));
    this.ordered = { open: [], failed: [], expired: [], succeeded: [] };
    for (const s of sessions) this.ordered[TAB_OF[s.status]].push(s);
    for (const tab of TABS) this.ordered[tab].sort((a, b) => displayOrder(tab, a, b));
    this.changedAt.clear();
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
      this.lastEventAt = Date.now();
      this.version++;
      this.onApplied?.(batch);
    }
  }

  private apply(event: ChangeEvent): boolean {
    if (this.lastEventId && compareStreamIds(event.id, this.lastEventId) <= 0) return false;
    this.lastEventId = event.id;
    const current = this.sessions.get(event.sessionId);
    if (!current && event.type !== 'created' && event.type !== 'imported') return true;
    const base: Partial<CheckoutSession> = current ?? {
      object: 'checkout.session', id: event.sessionId, domainAmbient: this.mode, failure: null,
      customer: { email: null, name: null, country: null, city: null, ip: null },
      product: { id: null, name: '', quantity: 1 }, device: { type: null, os: null, browser: null },
    };
    const next = applyChanges(base, event.changes) as CheckoutSession;
    if (current) this.unplace(current);
    this.place(next);
    this.sessions.set(event.sessionId, next);
    this.changedAt.set(event.sessionId, Date.now());
    return true;
  }

  /** First index whose row sorts after `s` in its tab (binary search). */
  private position(tab: Tab, s: CheckoutSession): number {
    const rows = this.ordered[tab];
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (displayOrder(tab, rows[mid]!, s) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private place(s: CheckoutSession): void {
    const tab = TAB_OF[s.status];
    this.ordered[tab].splice(this.position(tab, s), 0, s);
  }

  private unplace(s: CheckoutSession): void {
    const tab = TAB_OF[s.status];
    const rows = this.ordered[tab];
    // The row sits just before where it would be inserted again.
    let i = this.position(tab, s) - 1;
    while (i >= 0 && rows[i] !== s && displayOrder(tab, rows[i]!, s) === 0) i--;
    if (i >= 0 && rows[i] === s) rows.splice(i, 1);
    else {
      const at = rows.indexOf(s);
      if (at >= 0) rows.splice(at, 1);
    }
  }

  counts(): Record<Tab, number> {
    const { open, failed, expired, succeeded } = this.ordered;
    return { open: open.length, failed: failed.length, expired: expired.length, succeeded: succeeded.length };
  }

  /** Rows of a tab: online first on Open, then newest activity first. */
  rows(tab: Tab, filters: Filters): CheckoutSession[] {
    const query = filters.query.trim().toLowerCase();
    const ordered = this.ordered[tab];
    if (!query && !filters.method && !filters.onlineOnly && !filters.list) return ordered.slice();
    const out: CheckoutSession[] = [];
    for (const s of ordered) {
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
    return this.panels(Date.now()).funnel;
  }

  /**
   * Failures by code and by method, the last 15 minutes against the hour before (per 15 minutes);
   * a spike is a recent failure rate well above the previous hour's with enough volume to matter.
   */
  declines(now: number): Declines {
    return this.panels(now).declines;
  }

  /** The KPIs, the funnel and the declines, in one pass over every session. */
  panels(now: number): Panels {
    const today = startOfToday(now);
    const hourAgo = now - HOUR;
    const recentFrom = now - 15 * 60_000;
    const previousFrom = recentFrom - HOUR;
    let onlineNow = 0; let open = 0; let failedLastHour = 0; let lostToday = 0; let succeededToday = 0; let createdToday = 0;
    const revenue = new Map<string, number>();
    const risk = new Map<string, number>();
    const steps = [0, 0, 0, 0, 0];
    const codes = new Map<string, DeclineRow>();
    const methods = new Map<string, DeclineRow>();
    let recentAttempts = 0; let recentFailures = 0; let previousAttempts = 0; let previousFailures = 0;
    for (const s of this.sessions.values()) {
      const times = timesOf(s);
      if (s.online) onlineNow++;
      if (times.created >= today) createdToday++;
      if (s.status === 'active') {
        open++;
        steps[Math.min(4, Math.max(0, s.paymentStep))]!++;
        if (s.online) add(risk, s.currency, s.totalAmount);
      } else if (s.status === 'failed' && times.updated >= hourAgo) {
        failedLastHour++;
      } else if ((s.status === 'abandoned' || s.status === 'expired') && times.updated >= today) {
        lostToday++;
      } else if (s.status === 'completed' && times.completed >= today) {
        succeededToday++;
        add(revenue, s.currency, s.totalAmount);
      }
      if (s.attemptCount === 0 || times.updated < previousFrom) continue;
      const recent = times.updated >= recentFrom;
      if (recent) recentAttempts++; else previousAttempts++;
      if (s.status !== 'failed' || !s.failure) continue;
      if (recent) recentFailures++; else previousFailures++;
      bump(codes, s.failure.code, recent);
      bump(methods, s.paymentMethodSelected ?? 'unknown', recent);
    }
    const recentRate = recentAttempts ? recentFailures / recentAttempts : 0;
    const previousRate = previousAttempts ? previousFailures / previousAttempts : 0;
    return {
      kpis: {
        onlineNow, open, failedLastHour, lostToday, succeededToday,
        revenueToday: largest(revenue),
        conversionToday: createdToday > 0 ? succeededToday / createdToday : null,
        moneyAtRisk: largest(risk),
      },
      funnel: steps,
      declines: {
        byCode: topRows(codes), byMethod: topRows(methods), recentRate, previousRate,
        spike: recentFailures >= 5 && recentRate > Math.max(0.15, previousRate * 1.5),
      },
    };
  }

  /** Online at step 3 or more for over 5 minutes, or 3 or more attempts. */
  isStuck(s: CheckoutSession, now: number): boolean {
    if (s.status !== 'active' && s.status !== 'failed') return false;
    return s.attemptCount >= 3 || (s.online && s.paymentStep >= 3 && now - timesOf(s).updated > STUCK_MS);
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
