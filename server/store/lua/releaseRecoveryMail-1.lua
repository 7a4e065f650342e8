-- releaseRecoveryMail: gives back a recovery mail reserved by reserveRecoveryMail that never went
-- out (the mail server refused it), so asking again is not held to the cooldown nor counted.
--   KEYS[1]  tenant prefix          ARGV[1] session id
--   ARGV[2]  when it was reserved (the `now` given to reserveRecoveryMail)
-- Returns 1 when given back, 0 when that reservation is not the latest (nothing changes).
local P = KEYS[1]
--@include "keys"
local sid, reservedAt = ARGV[1], ARGV[2]
local key = recoveryMailKey(sid)
local sent, last, prev = unpack(redis.call('HMGET', key, 'n', 'last', 'prev'))
if last ~= reservedAt or not sent then return 0 end
sent = tonumber(sent) - 1
if sent <= 0 then
  redis.call('DEL', key)
elseif prev and prev ~= '' then
  redis.call('HSET', key, 'n', sent, 'last', prev, 'prev', '')
else
  redis.call('HSET', key, 'n', sent, 'prev', '')
  redis.call('HDEL', key, 'last')
end
return 1
