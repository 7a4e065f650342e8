import type { OnlinePoint } from '../../shared/session-stats.js';
import { keys, type TenantPrefix } from './keys.js';
import { transition, type StoreContext } from './store-context.js';

/** Minutes of online counts kept per tenant: the board's sparkline. */
export const ONLINE_HISTORY_MINUTES = 30;

/** Samples this minute's online count, once per minute whichever node asks first. */
export async function recordOnline(ctx: StoreContext, prefix: TenantPrefix, now: number): Promise<number | undefined> {
  const reply = (await transition(ctx, 'recordOnline', prefix, [ONLINE_HISTORY_MINUTES], now)) as number;
  return reply < 0 ? undefined : reply;
}

/** The last half hour of online counts, oldest first. */
export async function readOnlineHistory(ctx: StoreContext, prefix: TenantPrefix, now: number): Promise<OnlinePoint[]> {
  const raw = await ctx.redis.hgetall(keys.onlineHistory(prefix));
  const from = now - ONLINE_HISTORY_MINUTES * 60_000;
  return Object.entries(raw)
    .map(([minute, online]) => ({ at: Number(minute), online: Number(online) }))
    .filter((p) => p.at > from)
    .sort((a, b) => a.at - b.at)
    .map((p) => ({ at: new Date(p.at).toISOString(), online: p.online }));
}
