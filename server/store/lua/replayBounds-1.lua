-- replayBounds: what a board resuming from its last id may be replayed. A board further behind
-- than the most events a replay carries gets a snapshot instead (far cheaper to send).
--   KEYS[1]  tenant prefix          ARGV[1] most events a replay may carry
--   ARGV[2]  the board's last id
-- Returns {newest id, id of the ARGV[1]-th newest, 1 when the board's last id is in the stream
-- else 0}; '' where the stream has none. A last id the stream does not hold was trimmed away, or
-- written by a master that was then replaced before its replica had it: either way what came
-- after it cannot be told by replaying.
--@include "keys"
local most = tonumber(ARGV[1])
local newest = redis.call('XREVRANGE', streamKey(), '+', '-', 'COUNT', most)
local held = #redis.call('XRANGE', streamKey(), ARGV[2], ARGV[2]) > 0
return { newest[1] and newest[1][1] or '', #newest >= most and newest[most][1] or '', held and 1 or 0 }
