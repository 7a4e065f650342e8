-- touchPresence: a node's coalesced batch of heartbeats and lease renewals for tenants of one shard.
-- Extends the leases of connections due for renewal, advances lastVisitAt for those that
-- heartbeated, and flips a session back online if it was marked offline while its page lived
-- (e.g. Redis restarted), registering its connection again. A heartbeat alone leaves the lease to
-- the node's periodic renewal, which keeps the write that runs at heartbeat rate small.
--   KEYS[1]  the first tenant's prefix   ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  lease ms                    ARGV[4] session ttl ms
--   ARGV[5…] one group per tenant: its prefix, its number n of connections, then n quads:
--            session id, connection id, what: 'v' heartbeat, 'r' lease renewal, 'vr' both, and
--            when the node last had proof the page lives (a heartbeat or a transport pong), ms
-- Tenants of one shard share a call (tenant-groups.lua): a node with a thousand small merchants
-- renews them in a few dozen calls, not a thousand.
-- Returns a flat list of {session id, connection id, status} for connections that must hear
-- something: their session is gone, completed or expired, or the page said it left (a `left`
-- beacon released the connection and only a renewal, not a heartbeat, came since), or `stale`: a
-- write for a connection whose lease lapsed and was swept, from a node whose last proof of the
-- page (a heartbeat, a pong) is older than a lease: the node was paused or frozen, so what it
-- believes live (and heartbeats it held unwritten) may have died meanwhile; its word no longer
-- counts, and the page's next heartbeat registers it again. Such connections are not registered
-- again.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "presence"
--@include "renew"
--@include "tenant-groups"

local leaseMs, ttlMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local notices = {}
eachTenantItem(5, 4, function(i)
  local sid, connId, what, aliveAt = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local visited, renew = what ~= 'r', what ~= 'v'
  local st, on, step, n = unpack(redis.call('HMGET', sessionKey(sid), 'st', 'on', 'step', 'n'))
  local notice, reattach = nil, false
  if not st then
    notice = 'gone'
  elseif (st == 'completed' or st == 'expired') and on ~= '1' then
    notice = st
  elseif redis.call('SISMEMBER', releasedKey(sid), connId) == 1 then
    -- Back from the bfcache: the `left` beacon took its connection away, so it is registered again.
    if visited then redis.call('SREM', releasedKey(sid), connId); reattach = true else notice = 'released' end
  elseif aliveAt < NOW - leaseMs and not redis.call('ZSCORE', connectionsKey(sid), connId) then
    notice = 'stale'
  end
  if notice then
    notices[#notices + 1] = sid; notices[#notices + 1] = connId; notices[#notices + 1] = notice
  else
    if st == 'abandoned' then renewSession(sid, ttlMs) end
    if renew or reattach or on ~= '1' then addConnection(sid, connId, leaseMs) end
    if not markOnline(sid, { on = on, step = step }) and visited then writeLastVisit(sid, n) end
  end
end)
return notices
