-- Renewal: abandoned|expired -> active, with a new expiry (also what a returning page triggers).
--@include "context"
--@include "keys"
--@include "session"
--@include "emit"
local RENEWABLE = { abandoned = true, expired = true }

local function renewSession(sid, ttlMs)
  local rc = tonumber(redis.call('HGET', sessionKey(sid), 'rc') or '0')
  local expiresAt = NOW + ttlMs
  local patch = writeSession(sid, { st = 'active', rc = rc + 1, fi = '0', ea = expiresAt, aba = false }, true)
  redis.call('ZADD', dueKey('expire'), expiresAt, sid)
  scheduleAt(expiresAt)
  redis.call('ZREM', dueKey('abandon'), sid)
  return emit(sid, 'renewed', patch, { renewalCount = rc + 1 })
end
