-- markRecoverySent: a recovery mail went to the customer. The rule was decided when the mail was
-- reserved (reserveRecoveryMail); this records that it was sent, whatever happened since (a
-- payment landing while the mail was on its way does not unsend it).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] masked recipient (for the timeline)
-- Returns the event id or -1 (not found).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid, to = ARGV[3], ARGV[4]
local st = unpack(sessionState(sid))
if not st then return -1 end
local patch = writeSession(sid, { rs = '1' }, true)
return emit(sid, 'recovery_sent', patch, { to = to })
