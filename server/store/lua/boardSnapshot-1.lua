-- boardSnapshot: a tenant's newest sessions and the change-stream ids they are consistent with,
-- read in one atomic step so no event falls between the snapshot and the events after it.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  most sessions to return
-- Returns {last stream id, first retained stream id, sessions in all, session id, flat hash, …};
-- ids are '0-0' while the stream is empty.
--@include "context"
--@include "keys"

local limit = tonumber(ARGV[3])
local last = redis.call('XREVRANGE', streamKey(), '+', '-', 'COUNT', 1)
local first = redis.call('XRANGE', streamKey(), '-', '+', 'COUNT', 1)
local out = { last[1] and last[1][1] or '0-0', first[1] and first[1][1] or '0-0', redis.call('ZCARD', indexKey('order')) }
-- The order index's members are the id's hex part followed by the session's ordinal.
for _, member in ipairs(redis.call('ZREVRANGE', indexKey('order'), 0, limit - 1)) do
  local sid = 'sess_' .. string.sub(member, 1, 20)
  out[#out + 1] = sid
  out[#out + 1] = redis.call('HGETALL', sessionKey(sid))
end
return out
