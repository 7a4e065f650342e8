-- reserveRecoveryMail: takes one of a session's recovery mails before it is sent, so a double
-- click or a script cannot mail a customer again and again.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] session id
--   ARGV[3]  least time between two mails, ms
--   ARGV[4]  most mails per session  ARGV[5] how long the count is kept, ms
-- Returns 1 when reserved, or {-5, ms until another may be sent}.
--@include "keys"
local now, sid = tonumber(ARGV[1]), ARGV[2]
local cooldownMs, most, keepMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local key = recoveryMailKey(sid)
local sent, last = unpack(redis.call('HMGET', key, 'n', 'last'))
sent, last = tonumber(sent or '0'), tonumber(last or '0')
if sent >= most then return { -5, math.max(1, redis.call('PTTL', key)) } end
if sent > 0 and now - last < cooldownMs then return { -5, cooldownMs - (now - last) } end
redis.call('HSET', key, 'n', sent + 1, 'last', now)
redis.call('PEXPIRE', key, keepMs)
return 1
