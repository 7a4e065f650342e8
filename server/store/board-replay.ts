import { compareStreamIds } from '../../shared/stream-id.js';
import type { TenantPrefix } from './keys.js';
import { runScript } from './scripts.js';
import type { StoreContext } from './store-context.js';

/**
 * Whether a board that last applied `lastEventId` can be brought up to date by replaying the events
 * after it: they must all still be retained, be at most `mostEvents`, and the id must not lie in the
 * future. Otherwise a snapshot is both correct and cheaper.
 */
export async function canReplay(ctx: StoreContext, prefix: TenantPrefix, lastEventId: string, mostEvents: number): Promise<boolean> {
  const [oldest, newest, limit] = (await runScript(ctx.redis, 'replayBounds', [prefix], [mostEvents])) as [string, string, string];
  if (newest === '') return lastEventId === '0-0';
  if (compareStreamIds(lastEventId, newest) > 0) return false;
  if (compareStreamIds(lastEventId, oldest) < 0) return false;
  return limit === '' || compareStreamIds(lastEventId, limit) >= 0;
}
