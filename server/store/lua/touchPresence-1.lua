-- touchPresence: a node's coalesced batch of heartbeats and lease renewals for one tenant.
-- Extends each connection's lease, advances lastVisitAt for those that heartbeated, and flips
-- a session back online if it was marked offline while its page lived (e.g. Redis restarted).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  lease ms               ARGV[4] session ttl ms
--   ARGV[5…] triples: session id, connection id, visited ('1' heartbeat, '0' lease renewal only)
-- Returns a flat list of {session id, status} for sessions whose pages must hear their status
-- (gone, completed or expired); such connections are not registered.
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
  if not st then
    notices[#notices + 1] = sid; notices[#notices + 1] = 'gone'
  elseif (st == 'completed' or st == 'expired') and on ~= '1' then
    notices[#notices + 1] = sid; notices[#notices + 1] = st
  else
    if st == 'abandoned' then renewSession(sid, ttlMs) end
    addConnection(sid, connId, leaseMs)
    if not markOnline(sid, { on = on, step = step }) and visited == '1' then
      writeSession(sid, { lv = NOW }, false)
    end
  end
end
return notices
