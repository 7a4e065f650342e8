import type { EqualityFilters, ListQuery } from '../../shared/list-query.js';
import type { SessionStats } from '../../shared/session-stats.js';
import type { Tenant } from './keys.js';
import { listSessions } from './list/sessions-list.js';
import type { StoreContext } from './store-context.js';

const HOUR = 3_600_000;

function count(ctx: StoreContext, tenant: Tenant, equals: EqualityFilters, ranges: ListQuery['ranges'] = {}): Promise<number> {
  return listSessions(ctx, tenant, { limit: 1, offset: 0, sort: 'descending', equals, ranges }).then((page) => page.total);
}

/**
 * The board's headline counts over every session of a tenant (not only those a board holds), each
 * an exact total from the list indexes: the same planner and scripts as `GET /v1/checkouts/sessions`.
 */
export async function readSessionStats(ctx: StoreContext, tenant: Tenant, since: number): Promise<SessionStats> {
  const now = ctx.clock.now();
  const [online, open, failedLastHour, abandonedToday, expiredToday, succeededToday, createdToday, total] = await Promise.all([
    count(ctx, tenant, { online: true }),
    count(ctx, tenant, { status: ['active'] }),
    count(ctx, tenant, { status: ['failed'] }, { updatedAt: { min: now - HOUR } }),
    count(ctx, tenant, { status: ['abandoned'] }, { updatedAt: { min: since } }),
    count(ctx, tenant, { status: ['expired'] }, { updatedAt: { min: since } }),
    count(ctx, tenant, { status: ['completed'] }, { completedAt: { min: since } }),
    count(ctx, tenant, {}, { createdAt: { min: since } }),
    count(ctx, tenant, {}),
  ]);
  return {
    online, open, failedLastHour, abandonedToday, expiredToday, succeededToday, createdToday, total,
    since: new Date(since).toISOString(), asOf: new Date(now).toISOString(),
  };
}

/** Midnight UTC of the day `now` falls in. */
export function startOfUtcDay(now: number): number {
  return now - (now % 86_400_000);
}
