-- Writes fields of one session and keeps its indexes in step.
--   changes: code -> new value, or false to clear the field
--   stamp:   true to set updatedAt when anything changed (lastVisitAt refreshes pass false)
-- Returns the patch actually written (code -> value or false); empty when nothing changed.
--@include "context"
--@include "keys"
--@include "indexes"
local function writeSession(sid, changes, stamp)
  local key = sessionKey(sid)
  local codes, n = { 'ua', 'n' }, 2
  for code in pairs(changes) do
    if code ~= 'ua' and code ~= 'n' then n = n + 1; codes[n] = code end
  end
  local old = redis.call('HMGET', key, unpack(codes))
  local ordinal = old[2] or nil
  local patch, set, del, changed = {}, {}, {}, false
  local function apply(code, prev, new)
    if new ~= prev then
      if new then set[#set + 1] = code; set[#set + 1] = new else del[#del + 1] = code end
      patch[code] = new or false
      reindexField(ordinal, code, prev, new)
      return true
    end
    return false
  end
  for i = 3, n do
    local new = changes[codes[i]]
    if new == false then new = nil else new = tostring(new) end
    if apply(codes[i], old[i] or nil, new) then changed = true end
  end
  if not changed then return patch end
  if stamp then apply('ua', old[1] or nil, tostring(NOW)) end
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
  if #del > 0 then redis.call('HDEL', key, unpack(del)) end
  return patch
end

-- lastVisitAt moves at heartbeat rate, so it is written straight: the field and its index entry
-- (as writeSession would, without an updatedAt stamp). n: the session's ordinal, when it has one.
local function writeLastVisit(sid, n)
  redis.call('HSET', sessionKey(sid), 'lv', NOW_TEXT)
  if n then redis.call('ZADD', indexKey('r:lv'), NOW_TEXT, n) end
end
