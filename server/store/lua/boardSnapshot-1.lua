-- boardSnapshot: which sessions a board starts from, and the change-stream id they are consistent
-- with, read in one atomic step: the stream's last and first ids, the tenant's session count, and
-- the ids of its newest sessions. The sessions themselves are read afterwards in small batches, so
-- neither Redis nor a node stalls on a large tenant; a session read after an event that followed
-- the snapshot id only shows that event early, and replaying it converges to the same state
-- (events carry the new values of the fields they changed).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  most sessions to return
-- Returns {last stream id, first retained stream id, sessions in all, session id…, newest first};
-- ids are '0-0' while the stream is empty.
--@include "context"
--@include "keys"

local limit = tonumber(ARGV[3])
local last = redis.call('XREVRANGE', streamKey(), '+', '-', 'COUNT', 1)
local first = redis.call('XRANGE', streamKey(), '-', '+', 'COUNT', 1)
local out = { last[1] and last[1][1] or '0-0', first[1] and first[1][1] or '0-0', redis.call('ZCARD', indexKey('order')) }
-- The order index's members are the id's hex part followed by the session's ordinal.
for _, member in ipairs(redis.call('ZREVRANGE', indexKey('order'), 0, limit - 1)) do
  out[#out + 1] = 'sess_' .. string.sub(member, 1, 20)
end
return out
