import type { RedisClient } from '../../server/redis/connect.js';
import type { TenantPrefix } from '../../server/store/keys.js';
import { scheduleKeysOf } from '../../server/store/schedule-keys.js';
import { expandIncludes } from '../../server/store/scripts.js';
import type { FieldCode } from '../../server/store/session-codec.js';

/**
 * Test-only seeding of lifecycle fields whose transitions live elsewhere: a script that calls the
 * real `writeSession` (so the hash, the indexes and the change stream move exactly as in a transition).
 */
const LUA = `${expandIncludes(['session', 'emit'].map((name) => `--@include "${name}"`).join('\n'), new Set())}
local changes = {}
for i = 4, #ARGV, 2 do
  if ARGV[i + 1] == '' then changes[ARGV[i]] = false else changes[ARGV[i]] = ARGV[i + 1] end
end
local patch = writeSession(ARGV[3], changes, true)
if next(patch) then emit(ARGV[3], 'test_patch', patch, nil) end
return 1`;

const defined = new WeakSet<object>();

/** Writes `changes` (code → value, '' clears) to one session through writeSession. */
export async function patchSession(redis: RedisClient, prefix: TenantPrefix, sid: string,
  changes: Partial<Record<FieldCode, string | number>>, now: number): Promise<void> {
  if (!defined.has(redis)) {
    redis.defineCommand('testPatchSession', { numberOfKeys: 1, lua: LUA });
    defined.add(redis);
  }
  const args: string[] = [];
  for (const [code, value] of Object.entries(changes)) args.push(code, String(value));
  const fn = (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>).testPatchSession;
  if (!fn) throw new Error('testPatchSession not defined');
  await fn.call(redis, prefix, now, `1000 ${scheduleKeysOf(redis).keyFor(prefix)}`, sid, ...args);
}
