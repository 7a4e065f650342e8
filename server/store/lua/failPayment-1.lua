-- failPayment: the payment provider declined or errored: the session becomes failed and keeps
-- the failure. A failure implies a submitted attempt (paymentStep 4, at least one attempt).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] failure code   ARGV[5] failure message
--   ARGV[6…] optional field pairs (pm)
-- Returns the event id, -1 (not found) or {-2, status} (not payable).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid, code, message = ARGV[3], ARGV[4], ARGV[5]
local st, att = unpack(sessionState(sid, 'att'))
if not st then return -1 end
if not PAYABLE[st] then return { -2, st } end
local attempts = tonumber(att or '0')
if attempts < 1 then attempts = 1 end
local changes = optionalFields(6, { st = 'failed', fc = code, fm = message, step = 4, att = attempts })
local patch = writeSession(sid, changes, true)
return emit(sid, 'payment_failed', patch, { code = code, message = message })
