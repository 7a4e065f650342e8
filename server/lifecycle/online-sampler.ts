import type { AppContext } from '../app-context.js';
import type { TenantPrefix } from '../store/keys.js';
import { recordOnline } from '../store/online-history.js';
import type { SweepTask } from './sweeper.js';

/**
 * The board's sparkline history: each tenant's online count once a minute, sampled on the first
 * sweep of the minute (after presence is swept, so it counts what is really online).
 */
export function onlineSampleTask(ctx: AppContext): SweepTask {
  const sampled = new Map<TenantPrefix, number>();
  return {
    name: 'online',
    async run(prefix, now) {
      const minute = now - (now % 60_000);
      if (sampled.get(prefix) !== minute) {
        await recordOnline(ctx.storeContext, prefix, now);
        sampled.set(prefix, minute);
      }
      return { applied: 0, more: false };
    },
  };
}
