-- expireSession: the merchant expires a session now (DELETE). Open, failed and abandoned sessions
-- can be expired; completed and already expired ones cannot.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id
-- Returns the event id, -1 (not found) or {-2, status}.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid = ARGV[3]
local st = unpack(sessionState(sid))
if not st then return -1 end
if not EXPIRABLE[st] then return { -2, st } end
local patch = writeSession(sid, { st = 'expired', ea = NOW }, true)
redis.call('ZREM', dueKey('expire'), sid)
redis.call('ZREM', dueKey('abandon'), sid)
return emit(sid, 'expired', patch, { reason = 'merchant' })
