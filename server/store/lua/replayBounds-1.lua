-- replayBounds: what a board resuming from its last id may be replayed. A board further behind
-- than the most events a replay carries gets a snapshot instead (far cheaper to send).
--   KEYS[1]  tenant prefix          ARGV[1] most events a replay may carry
-- Returns {oldest retained id, newest id, id of the ARGV[1]-th newest}; '' where the stream has none.
--@include "keys"
local most = tonumber(ARGV[1])
local first = redis.call('XRANGE', streamKey(), '-', '+', 'COUNT', 1)
local newest = redis.call('XREVRANGE', streamKey(), '+', '-', 'COUNT', most)
return { first[1] and first[1][1] or '', newest[1] and newest[1][1] or '', #newest >= most and newest[most][1] or '' }
