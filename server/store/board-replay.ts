import { compareStreamIds } from '../../shared/stream-id.js';
import type { TenantPrefix } from './keys.js';
import { runScript } from './scripts.js';
import type { StoreContext } from './store-context.js';

/**
 * Whether a board that last applied `lastEventId` can be brought up to date by replaying the events
 * after it: the id must be in the stream (not trimmed away, nor written by a master replaced before
 * its replica had it), the events after it at most `mostEvents`. Otherwise a snapshot is both
 * correct and cheaper.
 */
export async function canReplay(ctx: StoreContext, prefix: TenantPrefix, lastEventId: string, mostEvents: number): Promise<boolean> {
  const [newest, limit, held] = (await runScript(ctx.redis, 'replayBounds', [prefix], [mostEvents, lastEventId])) as [string, string, number];
  if (newest === '') return lastEventId === '0-0';
  if (held !== 1) return false;
  return limit === '' || compareStreamIds(lastEventId, limit) >= 0;
}
