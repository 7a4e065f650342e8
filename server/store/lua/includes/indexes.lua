-- List indexes, kept inside every transition (through indexNewSession and writeSession) so they
-- can never drift from the sessions. Each session gets an ordinal n, its creation sequence in the
-- tenant (hash field `n`); most indexes are sets of ordinals, which stay small in memory.
-- (Sessions written before this layout carry no ordinal: they are not indexed nor listed.)
--   i:seq               the last ordinal given
--   i:rec               fixed-width records at n*33: createdAt (13 digits) .. id hex (20), so an
--                       ordinal turns into its sort key and id with one GETRANGE
--   i:order             ZSET of every session: score createdAt, member <id hex><n>; equal scores
--                       fall back to the member, i.e. the id: exactly the list order
--   i:v:<code>:<value>  equality (metadata too: code m:<key>): a SET of ordinals while rare (intset, 4 bytes each) ...
--   i:b:<code>:<value>  ... a bitmap over ordinals once common (a bit per session)
--   i:last              the greatest record so far; a session whose record is not greater was
--   i:late              created late (clock skew, same millisecond): a bitmap of those ordinals.
--                       All others are in list order by ordinal, so the list reads bitmaps in order
--   i:vals:<code>       values seen of the small counters (rc, att, step): their ranges are unions
--   i:r:<code>          lastVisitAt, which moves at heartbeat rate: ZSET scored by the value, member n
--   i:s:<code>:<bit>    other range fields (amt, ua, ea, cpa, aba): a bit-sliced index, one bitmap per
--   i:s:<code>:e        bit of the value plus one of the sessions that have it; a range is a few
--                       dozen BITOPs and combines with the other bitmaps (a few bytes per session
--                       instead of a sorted-set entry's hundred); a change rewrites only the bits
--                       that differ
--@include "keys"
--@include "fields"
local REC_WIDTH = 33
-- Metadata pairs (`m:<key>` fields, see session-codec.ts) are equality fields too, one per key.
local function isEquality(code) return EQUALITY[code] or string.sub(code, 1, 2) == 'm:' end
-- EQUALITY, COUNTER, RANGE (sorted sets) and SLICED (bits per value) come from the "fields"
-- include, written from server/store/session-fields.ts.
local POW2 = {}
for i = 0, 52 do POW2[i] = 2 ^ i end
-- A set becomes a bitmap when it outgrows the intset encoding and holds more than 1/400 of the
-- ordinals (past that a bitmap costs less than a hashtable set).
local SET_MAX = 512
local BITMAP_SHARE = 400

-- Key names of a value's index, and whether it is a bitmap; remembered for the rest of this run
-- (of this tenant: tenant.lua).
local bitmapKeys, setKeys, bitmapKnown = tenantMemo(), tenantMemo(), tenantMemo()
local function bitmapKey(name)
  local key = bitmapKeys[name]
  if not key then key = indexKey('b:' .. name); bitmapKeys[name] = key end
  return key
end
local function setKey(name)
  local key = setKeys[name]
  if not key then key = indexKey('v:' .. name); setKeys[name] = key end
  return key
end
local function isBitmap(name)
  local known = bitmapKnown[name]
  if known == nil then
    known = redis.call('EXISTS', bitmapKey(name)) == 1
    bitmapKnown[name] = known
  end
  return known
end

local valuesKnown, setSizes = tenantMemo(), tenantMemo()

-- Whether a value's set of `size` ordinals, the greatest near `n`, should become a bitmap.
local function outgrowsSet(size, n)
  return size > SET_MAX and size * BITMAP_SHARE > tonumber(n)
end

-- Moves a value's set of ordinals into its bitmap.
local function setToBitmap(name)
  local members, bitmap = setKey(name), bitmapKey(name)
  for _, member in ipairs(redis.call('SMEMBERS', members)) do redis.call('SETBIT', bitmap, member, 1) end
  redis.call('DEL', members)
  bitmapKnown[name] = true
  setSizes[name] = nil
end

local function addValue(n, code, value)
  local name = code .. ':' .. value
  if COUNTER[code] and not valuesKnown[name] then
    redis.call('SADD', indexKey('vals:' .. code), value)
    valuesKnown[name] = true
  end
  if isBitmap(name) then
    redis.call('SETBIT', bitmapKey(name), n, 1)
    return
  end
  local members = setKey(name)
  local size = setSizes[name] or redis.call('SCARD', members)
  size = size + redis.call('SADD', members, n)
  setSizes[name] = size
  if outgrowsSet(size, n) then setToBitmap(name) end
end

local function removeValue(n, code, value)
  local name = code .. ':' .. value
  if isBitmap(name) then
    redis.call('SETBIT', bitmapKey(name), n, 0)
  else
    local removed = redis.call('SREM', setKey(name), n)
    if setSizes[name] then setSizes[name] = setSizes[name] - removed end
  end
end

-- Slice key names, built once per run (and tenant).
local sliceKeys = tenantMemo()
local function slicesOf(code)
  local names = sliceKeys[code]
  if not names then
    names = { e = indexKey('s:' .. code .. ':e') }
    for i = 0, SLICED[code] - 1 do names[i] = indexKey('s:' .. code .. ':' .. i) end
    sliceKeys[code] = names
  end
  return names
end

-- Rewrites only the slices whose bit differs between the old and the new value.
local function reslice(n, code, old, new)
  local names = slicesOf(code)
  local before, after = tonumber(old) or 0, tonumber(new) or 0
  if (old ~= nil) ~= (new ~= nil) then redis.call('SETBIT', names.e, n, new and 1 or 0) end
  for i = 0, SLICED[code] - 1 do
    if before == after then return end
    local was, is = before % 2, after % 2
    if was ~= is then redis.call('SETBIT', names[i], n, is) end
    before, after = (before - was) / 2, (after - is) / 2
  end
end

-- n: the session's ordinal; old/new: stored strings, nil when absent.
local function reindexField(n, code, old, new)
  if not n then return end
  if isEquality(code) then
    if old then removeValue(n, code, old) end
    if new then addValue(n, code, new) end
  elseif SLICED[code] then
    reslice(n, code, old, new)
  elseif RANGE[code] then
    if new then
      redis.call('ZADD', indexKey('r:' .. code), new, n)
    else
      redis.call('ZREM', indexKey('r:' .. code), n)
    end
  end
end

-- A session just written to its hash with `fields` (code -> string): give it an ordinal and index it.
local function indexNewSession(sid, createdAt, fields)
  local n = redis.call('INCR', indexKey('seq'))
  local hex = string.sub(sid, 6)
  redis.call('HSET', sessionKey(sid), 'n', n)
  local rec = string.format('%013d', createdAt) .. hex
  redis.call('SETRANGE', indexKey('rec'), n * REC_WIDTH, rec)
  local last = redis.call('GET', indexKey('last'))
  if not last or rec > last then
    redis.call('SET', indexKey('last'), rec)
  else
    redis.call('SETBIT', indexKey('late'), n, 1)
  end
  redis.call('ZADD', indexKey('order'), createdAt, hex .. n)
  for code, value in pairs(fields) do reindexField(n, code, nil, value) end
  return n
end

-- Removes every index entry of a session (before its hash is deleted for good).
local function unindexSession(sid)
  local key = sessionKey(sid)
  local n = redis.call('HGET', key, 'n')
  if not n then return end
  local hash = redis.call('HGETALL', key)
  for i = 1, #hash, 2 do reindexField(n, hash[i], hash[i + 1], nil) end
  redis.call('ZREM', indexKey('order'), string.sub(sid, 6) .. n)
  redis.call('SETRANGE', indexKey('rec'), n * REC_WIDTH, string.rep('\0', REC_WIDTH))
  -- Counted as late: its blank record must not break the order of the others.
  redis.call('SETBIT', indexKey('late'), n, 1)
  redis.call('HDEL', key, 'n')
end
