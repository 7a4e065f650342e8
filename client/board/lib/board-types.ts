import type { ListQuery } from '../../../shared/list-query';
import type { CheckoutSession, SessionStatus } from '../../../shared/session';

/** What the board shows, as plain types: its tabs, filters, headline figures and side panels. */
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
