import type { CheckoutSession } from '../../../shared/session';
import type { Amounts, AttentionItem, AttentionReason, DeclineRow, Declines, Panels } from './board-types';

/**
 * What the board's headline figures and side panels say about the sessions it holds, as pure
 * functions of those sessions and the events it saw: the store keeps the state, this reads it.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STUCK_MS = 5 * 60_000;
/** The decline panel compares the last 15 minutes with the hour before. */
const RECENT_MS = 15 * 60_000;

/** The oldest decline or attempt the panel still counts: events before it can be let go. */
export const declineWindowStart = (now: number): number => now - RECENT_MS - HOUR;

export interface DeclineEvent { at: number; code: string; method: string }

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
export function displayOrder(a: CheckoutSession, b: CheckoutSession): number {
  return timesOf(b).created - timesOf(a).created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const add = (sums: Map<string, number>, key: string, amount: number) => sums.set(key, (sums.get(key) ?? 0) + amount);
const amounts = (sums: Map<string, number>): Amounts => [...sums].map(([currency, minor]) => ({ currency, minor })).sort((a, b) => b.minor - a.minor);


/** Online at step 3 or more for over 5 minutes, or 3 or more attempts. */
export function isStuck(s: CheckoutSession, now: number): boolean {
  if (s.status !== 'active' && s.status !== 'failed') return false;
  return s.attemptCount >= 3 || (s.online && s.paymentStep >= 3 && now - timesOf(s).updated > STUCK_MS);
}

/** The KPIs, the funnel, the attention lane and the map, in one pass over every session. */
export function sessionPanels(sessions: Iterable<CheckoutSession>, now: number, truncated: boolean): Omit<Panels, 'declines'> {
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
  for (const s of sessions) {
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
      if (isStuck(s, now)) attention.push({ session: s, reason: 'stuck' });
      else if (s.online && s.paymentStep >= 3) atPayment.push(s);
    } else if (s.status === 'failed') {
      if (times.updated >= hourAgo) failedLastHour++;
      if (s.online) attention.push({ session: s, reason: 'failedOnline' });
      else if (isStuck(s, now)) attention.push({ session: s, reason: 'stuck' });
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
  const coversYesterday = !truncated && oldest <= yesterday;
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
    attention: attention.slice(0, 8),
    countries,
  };
}

/**
 * Decline events, the last 15 minutes against the hour before (per 15 minutes), as this board
 * saw them arrive. A spike is claimed only once the board has watched that whole hour before.
 */
export function declineWindows(declineEvents: readonly DeclineEvent[], attemptEvents: readonly number[], watchingSince: number, now: number): Declines {
  const recentFrom = now - RECENT_MS;
  const previousFrom = declineWindowStart(now);
  const codes = new Map<string, DeclineRow>();
  const methods = new Map<string, DeclineRow>();
  const bump = (rows: Map<string, DeclineRow>, key: string, recent: boolean) => {
    const row = rows.get(key) ?? { key, recent: 0, previousPer15: 0 };
    if (recent) row.recent++; else row.previousPer15 += 0.25;
    rows.set(key, row);
  };
  let recentFailures = 0; let previousFailures = 0;
  for (const e of declineEvents) {
    if (e.at < previousFrom) continue;
    const recent = e.at >= recentFrom;
    if (recent) recentFailures++; else previousFailures++;
    bump(codes, e.code, recent);
    bump(methods, e.method, recent);
  }
  let recentAttempts = 0; let previousAttempts = 0;
  for (const at of attemptEvents) {
    if (at >= recentFrom) recentAttempts++;
    else if (at >= previousFrom) previousAttempts++;
  }
  const recentRate = recentAttempts ? Math.min(1, recentFailures / recentAttempts) : null;
  const previousRate = previousAttempts ? Math.min(1, previousFailures / previousAttempts) : null;
  const hasBaseline = watchingSince <= previousFrom;
  const top = (rows: Map<string, DeclineRow>) => [...rows.values()].sort((a, b) => b.recent - a.recent || b.previousPer15 - a.previousPer15).slice(0, 5);
  return {
    byCode: top(codes), byMethod: top(methods), recentCount: recentFailures, recentRate, previousRate, hasBaseline,
    watchingSince,
    spike: hasBaseline && recentFailures >= 5 && recentRate !== null && previousRate !== null && recentRate > Math.max(0.15, previousRate * 1.5),
  };
}
