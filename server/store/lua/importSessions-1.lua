-- importSessions: whole sessions brought over from another system, a batch in one atomic step:
-- hashes, timelines (their history, then `imported`), timers, list indexes, and one `imported`
-- event each. A batch naming an id that is present already (or twice) writes nothing and returns
-- those ids, so the importer can leave them out and send the rest again: an interrupted import can
-- simply run again.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  abandonment period (ms), to time the abandonment of sessions left open and offline
--   ARGV[4]  the batch, MessagePack: [[id, st, ca, ea, lv or '', hash, patch, [entry, …]], …]: the
--            status and instants the script itself needs; the hash, as { from, to } of its DUMP
--            payload in ARGV[7] or, when it has none, its [code, value, …] pairs (every value a
--            string, `on` '0' as presence is live only, no `n`); the same pairs as JSON, for the
--            event; the history, its entries' stored JSON.
--   ARGV[5]  the batch's list index layout, MessagePack (see bulk-index.lua), positions in the order
--            of ARGV[4]; ARGV[6] the bitmaps' bytes it refers to.
--   ARGV[7]  the hashes' DUMP payloads, one after another (server/store/dump/hash-dumps.ts): RESTORE
--            builds a hash whole, where HSET would scan it once per field.
-- Returns {sessions imported}, or {-1, ids present or repeated…} having written nothing.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "bulk-index"
--@include "emit"
--@include "lifecycle"

local abandonAfterMs = tonumber(ARGV[3])

local sessions = cmsgpack.unpack(ARGV[4])
local index = cmsgpack.unpack(ARGV[5])
local layoutError = bulkIndexError(index)
if layoutError then return redis.error_reply('import: ' .. layoutError) end

local sessionKeys, seen, refused = {}, {}, {}
for k = 1, #sessions do
  local sid, st, ca, ea, lv, hash = unpack(sessions[k], 1, 6)
  if type(st) ~= 'string' or type(ca) ~= 'string' or type(ea) ~= 'string' or type(lv) ~= 'string' or type(hash) ~= 'table' then
    return redis.error_reply('import: ' .. tostring(sid) .. ' needs a status, createdAt, expiresAt and hash')
  end
  if seen[sid] then refused[#refused + 1] = sid end
  seen[sid] = true
  sessionKeys[k] = sessionKey(sid)
end
if #sessions == 0 then return { 0 } end

-- One EXISTS for the batch; one per session only when some are there already.
if redis.call('EXISTS', unpack(sessionKeys)) > 0 then
  for k = 1, #sessions do
    if redis.call('EXISTS', sessionKeys[k]) == 1 then refused[#refused + 1] = sessions[k][1] end
  end
end
if #refused > 0 then return { -1, unpack(refused) } end

-- The batch's ordinals start a byte, so its bitmaps' bytes are written whole. The few ordinals
-- skipped to get there hold no session: like a deleted session's, they count as created late.
local after = tonumber(redis.call('GET', indexKey('seq')) or '0')
local first = after + 1 + (8 - (after + 1) % 8) % 8
redis.call('SET', indexKey('seq'), first + #sessions - 1)
for n = after + 1, first - 1 do redis.call('SETBIT', indexKey('late'), n, 1) end
local imported = cjson.encode({ t = 'imported', at = NOW })
local expireArgs, abandonArgs = {}, {}
local dumps = ARGV[7]
-- Each ordinal as text once: the hash, the order and the visit index all take it.
local ordinals = {}
for k = 1, #sessions do ordinals[k] = tostring(first + k - 1) end
for k = 1, #sessions do
  local sid, st, _, ea, lv, hash, patch, timeline = unpack(sessions[k], 1, 8)
  if type(hash[1]) == 'number' then
    redis.call('RESTORE', sessionKeys[k], '0', string.sub(dumps, hash[1], hash[2]))
    redis.call('HSET', sessionKeys[k], 'n', ordinals[k])
  else
    redis.call('HSET', sessionKeys[k], 'n', ordinals[k], unpack(hash))
  end
  timeline[#timeline + 1] = imported
  redis.call('RPUSH', timelineKey(sid), unpack(timeline, math.max(1, #timeline - TIMELINE_CAP + 1)))
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
indexNewSessions(sessions, first, ordinals, index, ARGV[6])
if #expireArgs > 0 then redis.call('ZADD', dueKey('expire'), unpack(expireArgs)) end
if #abandonArgs > 0 then redis.call('ZADD', dueKey('abandon'), unpack(abandonArgs)) end
return { #sessions }
