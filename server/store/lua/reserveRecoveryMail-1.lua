-- reserveRecoveryMail: decides whether a recovery mail may go to a session's customer, and takes
-- one of the session's mails if so, before it is sent: the one place the rule is decided, so a
-- double click, a script or a payment landing meanwhile cannot mail a customer twice or mail and
-- then refuse. The caller sends, then marks it sent (markRecoverySent), or gives it back
-- (releaseRecoveryMail) when the mail server refused it.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] session id
--   ARGV[3]  least time between two mails, ms
--   ARGV[4]  most mails per session  ARGV[5] how long the count is kept, ms
-- Returns 1 when reserved; -1 (not found), {-2, status} (completed: nothing to recover),
-- -6 (no customer email) or {-5, ms until another may be sent}.
--@include "keys"
local now, sid = tonumber(ARGV[1]), ARGV[2]
local cooldownMs, most, keepMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local st, email = unpack(redis.call('HMGET', sessionKey(sid), 'st', 'em'))
if not st then return -1 end
if st == 'completed' then return { -2, st } end
if not email or email == '' then return -6 end
local key = recoveryMailKey(sid)
local sent, lastRaw = unpack(redis.call('HMGET', key, 'n', 'last'))
sent = tonumber(sent or '0')
local last = tonumber(lastRaw or '0')
if sent >= most then return { -5, math.max(1, redis.call('PTTL', key)) } end
if sent > 0 and now - last < cooldownMs then return { -5, cooldownMs - (now - last) } end
-- `prev`: when the mail before went, should this one be given back.
redis.call('HSET', key, 'n', sent + 1, 'last', now, 'prev', lastRaw or '')
redis.call('PEXPIRE', key, keepMs)
return 1
