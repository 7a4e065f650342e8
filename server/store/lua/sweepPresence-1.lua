-- sweepPresence: due offline work of one tenant, claimed and applied in one atomic step, so two
-- nodes sweeping at once never apply anything twice.
--   1. clean closes whose grace ended, with no connection since;
--   2. leases nobody renewed (a page or a whole node died silently).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  batch limit            ARGV[4] abandon after ms
--   ARGV[5]  '1' to sweep leases; '0' right after Redis came back, until nodes had time to renew
-- Returns {sessions flipped offline, 1 when more work is due}.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "presence"

local limit, abandonAfterMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local flipped, more = 0, 0

local graceOver = redis.call('ZRANGE', dueKey('offline'), '-inf', NOW, 'BYSCORE', 'LIMIT', 0, limit)
if #graceOver == limit then more = 1 end
for _, sid in ipairs(graceOver) do
  redis.call('ZREM', dueKey('offline'), sid)
  if redis.call('ZCARD', connectionsKey(sid)) == 0 and markOffline(sid, abandonAfterMs) then
    flipped = flipped + 1
  end
end

local lapsed = {}
if ARGV[5] == '1' then
  lapsed = redis.call('ZRANGE', leasesKey(), '-inf', NOW, 'BYSCORE', 'LIMIT', 0, limit)
end
if #lapsed == limit then more = 1 end
for _, sid in ipairs(lapsed) do
  local conns = connectionsKey(sid)
  redis.call('ZREMRANGEBYSCORE', conns, '-inf', NOW)
  local latest = redis.call('ZRANGE', conns, -1, -1, 'WITHSCORES')
  if latest[2] then
    redis.call('ZADD', leasesKey(), latest[2], sid)
    scheduleAt(latest[2])
  else
    redis.call('ZREM', leasesKey(), sid)
    if markOffline(sid, abandonAfterMs) then flipped = flipped + 1 end
  end
end
return { flipped, more }
