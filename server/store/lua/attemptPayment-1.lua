-- attemptPayment: a payment was submitted. Counts the attempt; paymentStep becomes 4.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4…] optional field pairs (pm)
-- Returns the event id, -1 (not found) or {-2, status} (not payable).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid = ARGV[3]
local st, att = unpack(sessionState(sid, 'att'))
if not st then return -1 end
if not PAYABLE[st] then return { -2, st } end
local changes = optionalFields(4, { att = tonumber(att or '0') + 1, step = 4 })
local patch = writeSession(sid, changes, true)
return emit(sid, 'payment_attempted', patch, { attempt = changes.att })
