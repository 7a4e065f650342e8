-- touchPresence: a node's coalesced batch of heartbeats and lease renewals for one tenant.
-- Extends each connection's lease, advances lastVisitAt for those that heartbeated, and flips
-- a session back online if it was marked offline while its page lived (e.g. Redis restarted).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  lease ms               ARGV[4] session ttl ms
--   ARGV[5…] triples: session id, connection id, visited ('1' heartbeat, '0' lease renewal only)
-- Returns a flat list of {session id, connection id, status} for connections that must hear
-- something: their session is gone, completed or expired, or the page said it left (a `left`
-- beacon released the connection and only a renewal, not a heartbeat, came since). Such
-- connections are not registered again.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "presence"
--@include "renew"

local leaseMs, ttlMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local notices = {}
for i = 5, #ARGV, 3 do
  local sid, connId, visited = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local st, on, step = unpack(redis.call('HMGET', sessionKey(sid), 'st', 'on', 'step'))
  local notice = nil
  if not st then
    notice = 'gone'
  elseif (st == 'completed' or st == 'expired') and on ~= '1' then
    notice = st
  elseif redis.call('SISMEMBER', releasedKey(sid), connId) == 1 then
    if visited == '1' then redis.call('SREM', releasedKey(sid), connId) else notice = 'released' end
  end
  if notice then
    notices[#notices + 1] = sid; notices[#notices + 1] = connId; notices[#notices + 1] = notice
  else
    if st == 'abandoned' then renewSession(sid, ttlMs) end
    addConnection(sid, connId, leaseMs)
    if not markOnline(sid, { on = on, step = step }) and visited == '1' then
      writeSession(sid, { lv = NOW }, false)
    end
  end
end
return notices
