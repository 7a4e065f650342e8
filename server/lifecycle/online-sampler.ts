import type { AppContext } from '../app-context.js';
import { recordOnline } from '../store/online-history.js';

/**
 * The board's sparkline history: each tenant's online count once a minute, for the tenants with
 * live pages only (a minute without a sample had none). Called after every sweep pass, so it counts
 * what is really online; it samples on the first pass of each minute.
 */
export function onlineSampler(ctx: AppContext): (now: number) => Promise<void> {
  let sampledMinute = -1;
  return async (now) => {
    const minute = now - (now % 60_000);
    if (minute === sampledMinute) return;
    for (const shard of ctx.schedule.shards()) {
      const tenants = await ctx.schedule.liveTenants(shard);
      await Promise.all(tenants.map((prefix) => recordOnline(ctx.storeContext, prefix, now)));
    }
    sampledMinute = minute;
  };
}
