-- disconnectPage: pages' sockets closed, of one or several tenants of one shard. With other tabs
-- alive nothing flips. A clean close goes offline after the grace (so reloads never flap); a
-- silent one (ping timeout) at once, since its silence already outlasted the grace.
--   KEYS[1]  the first tenant's prefix   ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  offline grace ms            ARGV[4] abandon after ms
--   ARGV[5]  lease ms: how long a connection the page itself said it left (its socket, if any,
--            may live on for a while) is kept from being renewed
--   ARGV[6…] one group per tenant: its prefix, its number n of closes, then n triples: session id,
--            connection id, how: 'c' a clean close, 's' a silent one, 'l' the page said it left
-- Tenants of one shard share a call (tenant-groups.lua): a node whose pages all close at once
-- writes them in a few dozen calls, not one per page.
-- Returns, per close in order: 0 (others remain or already offline), 1 (offline scheduled) or
-- 2 (offline now).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "presence"
--@include "tenant-groups"

local graceMs, abandonAfterMs, leaseMs = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]

local function disconnect(sid, connId, how)
  local conns = connectionsKey(sid)
  redis.call('ZREM', conns, connId)
  if how == 'l' then
    redis.call('SADD', releasedKey(sid), connId)
    redis.call('PEXPIRE', releasedKey(sid), leaseMs)
  end
  local latest = redis.call('ZRANGE', conns, -1, -1, 'WITHSCORES')
  if latest[2] then
    redis.call('ZADD', leasesKey(), latest[2], sid)
    scheduleAt(latest[2])
    return 0
  end
  redis.call('ZREM', leasesKey(), sid)
  if redis.call('HGET', sessionKey(sid), 'on') ~= '1' then return 0 end
  if how ~= 's' then
    redis.call('ZADD', dueKey('offline'), NOW + graceMs, sid)
    scheduleAt(NOW + graceMs)
    return 1
  end
  markOffline(sid, abandonAfterMs)
  return 2
end

local results = {}
eachTenantItem(6, 3, function(i)
  results[#results + 1] = disconnect(ARGV[i], ARGV[i + 1], ARGV[i + 2])
end)
return results
