-- Scratch bitmaps of a list call: range results, unions and ANDs that only BITOP can build.
-- A list call is a read, so its scratch work is neither appended to the AOF nor replicated
-- (effects replication, the only kind since Redis 7.0, lets a script choose what it propagates),
-- and every scratch key is deleted before the call returns, error or not: nothing of it reaches a
-- replica, the AOF or a snapshot (those are taken between commands, never inside a script).
-- They still count as changes toward `save` points, and raise keyspace events where those are on.
-- Names are fixed per tenant (i:tmp:<name>): two calls cannot meet on them, as a script runs alone,
-- and the tenant's prefix carries its hash tag, so in a Cluster they stay in the tenant's slot.
--@include "keys"
local SCRATCH_PREFIX = indexKey('tmp') .. ':'
local scratchKeys = {}

-- The key of a scratch bitmap, deleted when the call ends.
local function scratch(name)
  local key = SCRATCH_PREFIX .. name
  scratchKeys[#scratchKeys + 1] = key
  return key
end

-- Runs body() propagating nothing, deletes the scratch keys (also unpropagated), then returns
-- body's result or raises its error again (a Redis error reply stays one: error() passes it as is).
local function withScratch(body)
  redis.set_repl(redis.REPL_NONE)
  local ok, result = pcall(body)
  if #scratchKeys > 0 then redis.call('DEL', unpack(scratchKeys)) end
  redis.set_repl(redis.REPL_ALL)
  if not ok then error(result, 0) end
  return result
end
