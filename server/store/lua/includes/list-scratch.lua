-- Scratch bitmaps of a list call: range results, unions and ANDs that only BITOP can build.
-- Every scratch key is deleted before the call returns. Names are fixed per tenant
-- (i:tmp:<name>): two calls cannot meet on them, as a script runs alone, and the tenant's prefix
-- carries its hash tag, so in a Cluster they stay in the tenant's slot.
local SCRATCH_PREFIX = indexKey('tmp') .. ':'
local scratchKeys = {}

-- The key of a scratch bitmap, deleted when the call ends.
local function scratch(name)
  local key = SCRATCH_PREFIX .. name
  scratchKeys[#scratchKeys + 1] = key
  return key
end

-- Runs body(), deletes the scratch keys, and returns body's result.
local function withScratch(body)
  local result = body()
  if #scratchKeys > 0 then redis.call('DEL', unpack(scratchKeys)) end
  return result
end
