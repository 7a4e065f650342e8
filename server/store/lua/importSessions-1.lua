-- importSessions: whole sessions brought over from another system, a batch in one atomic step:
-- hashes, timelines (their history, then `imported`), timers, list indexes, and one `imported`
-- event each. A batch naming an id that is present already (or twice) writes nothing and returns
-- those ids, so the importer can leave them out and send the rest again: an interrupted import can
-- simply run again.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  abandonment period (ms), to time the abandonment of sessions left open and offline
--   ARGV[4]  the batch's list index layout, MessagePack (see bulk-index.lua), positions in the
--            order of the sessions below; ARGV[5] the bitmaps' bytes it refers to.
--   ARGV[6]  the batch's shape, MessagePack: [pairs, entries, pairs, entries, …], per session the
--            number of hash pairs and of history entries its arguments hold.
--   ARGV[7…] the sessions, each as: id, st, ca, ea, lv or '' (what the script itself reads), the
--            hash as JSON pairs (the event's patch), the hash's DUMP payload (server/store/dump/
--            hash-dumps.ts: RESTORE builds it whole, where HSET would scan it once per field) or ''
--            when it has none, then its [code, value, …] pairs (only without a payload: every value
--            a string, `on` '0' as presence is live only, no `n`), then its history entries as
--            stored JSON, the last one `imported` at ARGV[1]. Plain arguments, not MessagePack: every byte that enters Lua is hashed,
--            so each is brought in once.
-- Returns {sessions imported}, or {-1, ids present or repeated…} having written nothing.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "bulk-index"
--@include "emit"
--@include "lifecycle"

local abandonAfterMs = tonumber(ARGV[3])
local FIXED = 7 -- id, st, ca, ea, lv, patch, payload

local index = cmsgpack.unpack(ARGV[4])
local layoutError = bulkIndexError(index)
if layoutError then return redis.error_reply('import: ' .. layoutError) end
local shape = cmsgpack.unpack(ARGV[6])
local count = #shape / 2

-- Where each session's arguments start, and what the indexes read of them.
local starts, ids, createdAts, lastVisits, sessionKeys = {}, {}, {}, {}, {}
local seen, refused = {}, {}
local at = 7
for k = 1, count do
  local pairCount, entries = shape[2 * k - 1], shape[2 * k]
  if type(pairCount) ~= 'number' or type(entries) ~= 'number' or pairCount % 2 ~= 0 or entries < 1 then
    return redis.error_reply('import: the batch shape is malformed')
  end
  local sid = ARGV[at]
  starts[k], ids[k], createdAts[k], lastVisits[k] = at, sid, ARGV[at + 2], ARGV[at + 4]
  if seen[sid] then refused[#refused + 1] = sid end
  seen[sid] = true
  sessionKeys[k] = sessionKey(sid)
  at = at + FIXED + pairCount + entries
end
if at ~= #ARGV + 1 then return redis.error_reply('import: the arguments do not match the batch shape') end
if count == 0 then return { 0 } end

-- One EXISTS for the batch; one per session only when some are there already.
if redis.call('EXISTS', unpack(sessionKeys)) > 0 then
  for k = 1, count do
    if redis.call('EXISTS', sessionKeys[k]) == 1 then refused[#refused + 1] = ids[k] end
  end
end
if #refused > 0 then return { -1, unpack(refused) } end

-- The batch's ordinals start a byte, so its bitmaps' bytes are written whole. The few ordinals
-- skipped to get there hold no session: like a deleted session's, they count as created late.
local after = tonumber(redis.call('GET', indexKey('seq')) or '0')
local first = after + 1 + (8 - (after + 1) % 8) % 8
redis.call('SET', indexKey('seq'), first + count - 1)
for n = after + 1, first - 1 do redis.call('SETBIT', indexKey('late'), n, 1) end
local expireArgs, abandonArgs = {}, {}
-- Each ordinal as text once: the hash, the order and the visit index all take it.
local ordinals = {}
for k = 1, count do ordinals[k] = tostring(first + k - 1) end
for k = 1, count do
  local s = starts[k]
  local sid, st, ea, lv, patch, payload = ARGV[s], ARGV[s + 1], ARGV[s + 3], ARGV[s + 4], ARGV[s + 5], ARGV[s + 6]
  local pairsFrom, entriesFrom = s + FIXED, s + FIXED + shape[2 * k - 1]
  local entriesTo = entriesFrom + shape[2 * k] - 1
  if payload ~= '' then
    redis.call('RESTORE', sessionKeys[k], '0', payload)
    redis.call('HSET', sessionKeys[k], 'n', ordinals[k])
  else
    redis.call('HSET', sessionKeys[k], 'n', ordinals[k], unpack(ARGV, pairsFrom, entriesFrom - 1))
  end
  -- The history, its latest entries up to the cap.
  redis.call('RPUSH', timelineKey(sid), unpack(ARGV, math.max(entriesFrom, entriesTo - TIMELINE_CAP + 1), entriesTo))
  if EXPIRABLE[st] then
    expireArgs[#expireArgs + 1] = ea
    expireArgs[#expireArgs + 1] = sid
  end
  -- Sessions that can still be paid are abandoned once offline long enough (as markOffline times it).
  if PAYABLE[st] and lv ~= '' then
    abandonArgs[#abandonArgs + 1] = tonumber(lv) + abandonAfterMs
    abandonArgs[#abandonArgs + 1] = sid
  end
  appendEvent(sid, 'imported', patch)
end
indexNewSessions(ids, createdAts, lastVisits, first, ordinals, index, ARGV[5])
if #expireArgs > 0 then redis.call('ZADD', dueKey('expire'), unpack(expireArgs)) end
if #abandonArgs > 0 then redis.call('ZADD', dueKey('abandon'), unpack(abandonArgs)) end
for i = 1, #expireArgs, 2 do scheduleAt(expireArgs[i]) end
for i = 1, #abandonArgs, 2 do scheduleAt(abandonArgs[i]) end
return { count }
