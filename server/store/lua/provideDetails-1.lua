-- provideDetails: the customer filled in their details (from the page or the merchant's backend).
-- Advances paymentStep to 2; records the email when given and the session has none yet.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4…] optional field pairs (em)
-- Returns {event id, status after}: the id is '' for a repeat that changes nothing (details
-- reported before, no new email: nothing written); or -1 (not found), {-2, status} (not payable).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid = ARGV[3]
local st, step, email = unpack(sessionState(sid, 'step', 'em'))
if not st then return -1 end
if not PAYABLE[st] then return { -2, st } end
local given = optionalFields(4, {})
if tonumber(step or '0') >= 2 and (not given.em or email) and newestTimelineEntry(sid, 'details_provided') then return { '', st } end
local changes = { step = stepAtLeast(step, 2) }
if given.em and not email then changes.em = given.em end
local patch = writeSession(sid, changes, true)
return { emit(sid, 'details_provided', patch, nil), st }
