-- renewSession: an abandoned or expired session opens again with a new expiry
-- (renewalCount + 1, firstInitialization false).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] lifetime ms
-- Returns the event id, -1 (not found) or {-2, status} (not renewable).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "renew"
--@include "lifecycle"

local sid, ttlMs = ARGV[3], tonumber(ARGV[4])
local st = unpack(sessionState(sid))
if not st then return -1 end
if not RENEWABLE[st] then return { -2, st } end
return renewSession(sid, ttlMs)
