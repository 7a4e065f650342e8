import type { ChangeEvent } from '../../shared/change-event.js';
import type { Clock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import type { FeedObserver } from './change-feed.js';

/** The time part of a stream id (`<ms>-<seq>`): when Redis appended the event, by Redis's clock. */
function appendedAtMs(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/**
 * The feed's lag and gap fills as metrics. Lag spans two clocks (Redis's in the id, the node's at
 * delivery): a node whose clock runs behind Redis's reads as no lag rather than a negative one.
 */
export function feedMetrics(metrics: Metrics, clock: Clock): FeedObserver {
  return {
    delivered(events: readonly ChangeEvent[]) {
      const now = clock.now();
      for (const event of events) metrics.changeFeedLag.observe(Math.max(0, now - appendedAtMs(event.id)) / 1000);
    },
    gapFilled() {
      metrics.changeFeedGapFills.inc();
    },
  };
}
