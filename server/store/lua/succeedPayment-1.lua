-- succeedPayment: the payment went through: the session is completed (terminal). A session that
-- had a recovery message sent is marked recovered. Its abandonment and expiry timers are dropped.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] transaction id
--   ARGV[5…] optional field pairs (etx, pu, ou, pm)
-- Returns {event id, '1' when recovered}, -1 (not found) or {-2, status} (not payable).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid, transactionId = ARGV[3], ARGV[4]
local st, att, rs = unpack(sessionState(sid, 'att', 'rs'))
if not st then return -1 end
if not PAYABLE[st] then return { -2, st } end
local attempts = tonumber(att or '0')
if attempts < 1 then attempts = 1 end
local recovered = rs == '1'
local changes = optionalFields(5, { st = 'completed', cpa = NOW, tx = transactionId, step = 4, att = attempts })
if recovered then changes.rcv = '1' end
local patch = writeSession(sid, changes, true)
redis.call('ZREM', dueKey('abandon'), sid)
redis.call('ZREM', dueKey('expire'), sid)
local id = emit(sid, 'payment_succeeded', patch, { transactionId = transactionId, recovered = recovered })
if recovered then return { id, '1' } end
return { id, '0' }
