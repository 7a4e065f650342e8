-- importSessions: whole sessions brought over from another system, a batch in one atomic step:
-- hashes, timelines (their history, then `imported`), timers, list indexes, and one `imported`
-- event each. Ids already present (or repeated in the batch) are skipped, so an interrupted import
-- can simply run again.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  abandonment period (ms), to time the abandonment of sessions left open and offline
--   ARGV[4]  the batch, MessagePack: [[id, [code, value, …], the same pairs as JSON, [entry, …]], …],
--            every value a string; the pairs start with st, ca, ea (then lv when it has one); `on`
--            is '0' (presence is live only) and there is no `n`. A timeline entry is [type, at], or
--            its stored JSON when it carries data.
-- Returns {sessions imported, ids skipped…}.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "bulk-index"
--@include "emit"
--@include "lifecycle"

local abandonAfterMs = tonumber(ARGV[3])

local given, sessionKeys, seen, skipped = {}, {}, {}, {}
local batch = cmsgpack.unpack(ARGV[4])
for k = 1, #batch do
  local item = batch[k]
  local sid, pairs = item[1], item[2]
  if pairs[1] ~= 'st' or pairs[3] ~= 'ca' or pairs[5] ~= 'ea' then return redis.error_reply('import: ' .. sid .. ' must start with st, ca, ea') end
  if seen[sid] then
    skipped[#skipped + 1] = sid
  else
    seen[sid] = true
    given[#given + 1] = item
    sessionKeys[#sessionKeys + 1] = sessionKey(sid)
  end
end

-- One EXISTS for the batch; one per session only when some are there already.
local sessions = given
if #given > 0 and redis.call('EXISTS', unpack(sessionKeys)) > 0 then
  sessions = {}
  for k = 1, #given do
    local item = given[k]
    if redis.call('EXISTS', sessionKey(item[1])) == 1 then skipped[#skipped + 1] = item[1] else sessions[#sessions + 1] = item end
  end
end
if #sessions == 0 then return { 0, unpack(skipped) } end

local first = redis.call('INCRBY', indexKey('seq'), #sessions) - #sessions + 1
local imported = cjson.encode({ t = 'imported', at = NOW })
local expireArgs, abandonArgs = {}, {}
for k = 1, #sessions do
  local sid, pairs, patch, timeline = sessions[k][1], sessions[k][2], sessions[k][3], sessions[k][4]
  redis.call('HSET', sessionKey(sid), 'n', first + k - 1, unpack(pairs))
  for e = 1, #timeline do
    local entry = timeline[e]
    if type(entry) == 'table' then timeline[e] = '{"t":"' .. entry[1] .. '","at":' .. entry[2] .. '}' end
  end
  timeline[#timeline + 1] = imported
  redis.call('RPUSH', timelineKey(sid), unpack(timeline, math.max(1, #timeline - TIMELINE_CAP + 1)))
  local st = pairs[2]
  if EXPIRABLE[st] then
    expireArgs[#expireArgs + 1] = pairs[6]
    expireArgs[#expireArgs + 1] = sid
  end
  -- Sessions that can still be paid are abandoned once offline long enough (as markOffline times it).
  if PAYABLE[st] and pairs[7] == 'lv' then
    abandonArgs[#abandonArgs + 1] = tonumber(pairs[8]) + abandonAfterMs
    abandonArgs[#abandonArgs + 1] = sid
  end
  appendEvent(sid, 'imported', patch)
end
indexNewSessions(sessions, first)
if #expireArgs > 0 then redis.call('ZADD', dueKey('expire'), unpack(expireArgs)) end
if #abandonArgs > 0 then redis.call('ZADD', dueKey('abandon'), unpack(abandonArgs)) end
return { #sessions, unpack(skipped) }
