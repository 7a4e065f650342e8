import type { AppContext } from '../app-context.js';
import type { SweepTask } from './sweeper.js';

const BATCH = 500;

export interface PresenceSweepTask extends SweepTask {
  /** The earliest a lapsed lease may be applied: later than now for a while after an outage. */
  leasesNotBefore(): number;
}

/**
 * Offline deadlines and lapsed leases. Right after Redis comes back (the whole connection here; a
 * single shard's outage is the sweeper's to notice), lapsed leases wait two renewal periods: every
 * node re-renews its live pages first, so an outage never flaps living pages offline.
 */
export function presenceSweepTask(ctx: AppContext): PresenceSweepTask {
  let holdLeasesUntil = 0;
  let lost = false;
  ctx.connection.onLost(() => {
    lost = true;
  });
  ctx.connection.onReady(() => {
    if (lost) holdLeasesUntil = ctx.clock.now() + ctx.config.presence.leaseRenewMs * 2;
    lost = false;
  });
  return {
    name: 'presence',
    leasesNotBefore: () => holdLeasesUntil,
    async run(prefix, now, leasesNotBefore) {
      const result = await ctx.presence.sweep(prefix, BATCH, now >= leasesNotBefore, now);
      return { applied: result.flipped, more: result.more };
    },
  };
}
