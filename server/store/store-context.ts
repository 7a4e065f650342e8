import type { Clock } from '../clock.js';
import type { RedisClient } from '../redis/connect.js';
import { runBulkScript, runScript, type ScriptArg } from './scripts.js';
import type { TenantPrefix } from './keys.js';

/** What every store needs: a connection, the clock, and the change stream's retention. */
export interface StoreContext {
  redis: RedisClient;
  clock: Clock;
  streamRetain: number;
}

/** Runs a transition script with the shared leading arguments (prefix, now, retention). */
export function transition(ctx: StoreContext, name: string, prefix: TenantPrefix, args: readonly ScriptArg[], now = ctx.clock.now()): Promise<unknown> {
  return runScript(ctx.redis, name, [prefix], [now, ctx.streamRetain, ...args]);
}

/** The same, for a script taking a bulk of arguments (an import's batch): see runBulkScript. */
export function bulkTransition(ctx: StoreContext, name: string, prefix: TenantPrefix, args: readonly ScriptArg[], now = ctx.clock.now()): Promise<unknown> {
  return runBulkScript(ctx.redis, name, [prefix], [now, ctx.streamRetain, ...args]);
}
