import type { RedisClient } from '../../redis/connect.js';
import type { TenantPrefix } from '../keys.js';
import { loadScripts, runScript, type ScriptArg } from '../scripts.js';
import { withShared, type StoreContext } from '../store-context.js';
import { OnePassCommand } from './one-pass-command.js';

/**
 * Calls a script with a bulk of arguments (an import's batch): written to the wire in one pass and
 * sent at once, not held for an auto-pipeline. When Redis does not have the script yet (a restart,
 * SCRIPT FLUSH), the usual call loads it.
 */
export async function runBulkScript(redis: RedisClient, name: string, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  const script = loadScripts().find((s) => s.name === name);
  if (!script) throw new Error(`Unknown Lua script ${name}`);
  try {
    return await redis.sendCommand(new OnePassCommand('evalsha', [script.sha, keys.length, ...keys, ...args], 2 + keys.length));
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return runScript(redis, name, keys, args);
  }
}

/** A transition whose arguments are a bulk (an import's batch), with the shared leading arguments. */
export function bulkTransition(ctx: StoreContext, name: string, prefix: TenantPrefix, args: readonly ScriptArg[], now = ctx.clock.now()): Promise<unknown> {
  return withShared(ctx, prefix, now, (shared) => runBulkScript(ctx.redis, name, [prefix], [...shared, ...args]));
}
