import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '../../server/redis/connect.js';
import { keys, type TenantPrefix } from '../../server/store/keys.js';
import { encodeFields, type FieldCode } from '../../server/store/session-codec.js';

/**
 * Bulk seeding that writes exactly what createSession writes: the script is createSession-1.lua's
 * own body, run once per session inside one call, followed by lifecycle changes applied through
 * the real writeSession (index upkeep included) and emitted as transitions do.
 */
const luaDir = fileURLToPath(new URL('../../server/store/lua/', import.meta.url));
const include = (name: string) => readFileSync(`${luaDir}includes/${name}.lua`, 'utf8');
const createBody = readFileSync(`${luaDir}createSession-1.lua`, 'utf8').replace(/^--@include .*$/gm, '');

const LUA = `${['context', 'keys', 'indexes', 'session', 'emit'].map(include).join('\n')}
local function createOne(ARGV)
${createBody}
end
-- ARGV[3…]: per session: createdAt, id, expiresAt, pair count, pairs…, change count,
-- then per change: at, event kind, pair count, pairs… ('' clears a field).
local i, created = 3, 0
while i <= #ARGV do
  local at, sid, expiresAt, pairs = tonumber(ARGV[i]), ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  NOW = at
  local args = { ARGV[1], ARGV[2], sid, expiresAt }
  for j = 1, pairs * 2 do args[4 + j] = ARGV[i + 3 + j] end
  i = i + 4 + pairs * 2
  local reply = createOne(args)
  if type(reply) ~= 'number' then created = created + 1 end
  local changes = tonumber(ARGV[i]); i = i + 1
  for _ = 1, changes do
    NOW = tonumber(ARGV[i])
    local kind, n = ARGV[i + 1], tonumber(ARGV[i + 2])
    local fields = {}
    for j = 0, n - 1 do
      local value = ARGV[i + 4 + j * 2]
      if value == '' then value = false end
      fields[ARGV[i + 3 + j * 2]] = value
    end
    i = i + 3 + n * 2
    local patch = writeSession(sid, fields, true)
    if next(patch) then emit(sid, kind, patch, nil) end
  end
end
return created`;

export interface SeedChange {
  at: number;
  kind: string;
  fields: Partial<Record<FieldCode, string | number>>;
}

export interface SeedSession {
  id: string;
  createdAt: number;
  expiresAt: number;
  /** What POST /v1/checkouts/sessions hands to createSession. */
  fields: Partial<Record<FieldCode, string | number | undefined>>;
  changes: SeedChange[];
}

const defined = new WeakSet<object>();

export async function bulkCreate(redis: RedisClient, prefix: TenantPrefix, sessions: readonly SeedSession[], streamRetain: number): Promise<number> {
  if (!defined.has(redis)) {
    redis.defineCommand('benchBulkCreate', { numberOfKeys: 1, lua: LUA });
    defined.add(redis);
  }
  const args: Array<string | number> = [0, streamRetain];
  for (const s of sessions) {
    const pairs = encodeFields(s.fields);
    args.push(s.createdAt, s.id, s.expiresAt, pairs.length / 2, ...pairs, s.changes.length);
    for (const c of s.changes) {
      const flat: string[] = [];
      for (const [code, value] of Object.entries(c.fields)) flat.push(code, String(value));
      args.push(c.at, c.kind, flat.length / 2, ...flat);
    }
  }
  const fn = (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<number>>).benchBulkCreate;
  if (!fn) throw new Error('benchBulkCreate not defined');
  return fn.call(redis, prefix, ...args);
}

export async function registerTenant(redis: RedisClient, prefix: TenantPrefix): Promise<void> {
  await redis.sadd(keys.tenants, prefix);
}
