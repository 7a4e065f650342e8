-- Guards and helpers shared by the lifecycle transitions (SPEC section 2).
--@include "keys"
--@include "statuses"

-- The session's status and a field or two, or nil when it does not exist.
local function sessionState(sid, ...)
  return redis.call('HMGET', sessionKey(sid), 'st', ...)
end

-- A funnel step never goes backwards.
local function stepAtLeast(current, step)
  local n = tonumber(current or '0')
  if n >= step then return n end
  return step
end

-- Optional field pairs after a fixed number of ARGV: code, value, code, value...
local function optionalFields(from, into)
  for i = from, #ARGV, 2 do
    if ARGV[i + 1] ~= '' then into[ARGV[i]] = ARGV[i + 1] end
  end
  return into
end

-- The newest timeline entry of a kind, decoded, or nil: tells a repeat from a first report.
local function newestTimelineEntry(sid, kind)
  local entries = redis.call('LRANGE', timelineKey(sid), 0, -1)
  local needle = '"t":"' .. kind .. '"'
  for i = #entries, 1, -1 do
    if string.find(entries[i], needle, 1, true) then return cjson.decode(entries[i]) end
  end
  return nil
end
