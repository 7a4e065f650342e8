import type { Clock } from '../clock.js';
import type { RedisClient } from '../redis/connect.js';
import { scheduleKeysOf } from './schedule-keys.js';
import { runScript, type ScriptArg } from './scripts.js';
import type { TenantPrefix } from './keys.js';

/** What every store needs: a connection, the clock, and the change stream's retention. */
export interface StoreContext {
  redis: RedisClient;
  clock: Clock;
  streamRetain: number;
}

/** Redis's refusal when a script reaches a key of another shard: our view of the slots was stale. */
const NOT_LOCAL = /non local key/;

/**
 * The shared leading arguments of a transition: now, then the stream's retention and the schedule
 * key of the tenant's shard (lua/includes/context.lua). When the schedule key turns out to be on
 * another shard (slots moved), the script failed before writing: the slots are read again and the
 * call is made once more.
 */
export async function withShared(ctx: StoreContext, prefix: TenantPrefix, now: number, call: (shared: ScriptArg[]) => Promise<unknown>): Promise<unknown> {
  const schedule = scheduleKeysOf(ctx.redis);
  try {
    return await call([now, `${ctx.streamRetain} ${schedule.keyFor(prefix)}`]);
  } catch (error) {
    if (!(error instanceof Error) || !NOT_LOCAL.test(error.message)) throw error;
    await schedule.refresh();
    return call([now, `${ctx.streamRetain} ${schedule.keyFor(prefix)}`]);
  }
}

/** Runs a transition script with the shared leading arguments. */
export function transition(ctx: StoreContext, name: string, prefix: TenantPrefix, args: readonly ScriptArg[], now = ctx.clock.now()): Promise<unknown> {
  return withShared(ctx, prefix, now, (shared) => runScript(ctx.redis, name, [prefix], [...shared, ...args]));
}
