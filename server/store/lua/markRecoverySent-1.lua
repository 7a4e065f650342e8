-- markRecoverySent: a recovery message went to the customer. Not for completed sessions.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] masked recipient (for the timeline)
-- Returns the event id, -1 (not found) or {-2, status}.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid, to = ARGV[3], ARGV[4]
local st = unpack(sessionState(sid))
if not st then return -1 end
if st == 'completed' then return { -2, st } end
local patch = writeSession(sid, { rs = '1' }, true)
return emit(sid, 'recovery_sent', patch, { to = to })
