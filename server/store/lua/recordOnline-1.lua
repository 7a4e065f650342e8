-- recordOnline: the tenant's online count for the current minute, kept for the board's sparkline.
-- Sampled once per minute (the first sweep of the minute writes it; later ones leave it), counted
-- from the `online` index, so it costs one BITCOUNT or SCARD whatever the tenant's size.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  minutes kept
-- Returns the count written, or -1 when this minute was sampled already.
--@include "context"
--@include "keys"

local kept = tonumber(ARGV[3])
local minute = NOW - NOW % 60000
local key = P .. 'online'
if redis.call('HEXISTS', key, minute) == 1 then return -1 end
local online = 0
if redis.call('EXISTS', indexKey('b:on:1')) == 1 then
  online = redis.call('BITCOUNT', indexKey('b:on:1'))
else
  online = redis.call('SCARD', indexKey('v:on:1'))
end
redis.call('HSET', key, minute, online)
if redis.call('HLEN', key) > kept then
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if tonumber(field) <= minute - kept * 60000 then redis.call('HDEL', key, field) end
  end
end
return online
