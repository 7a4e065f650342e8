-- connectPage: a checkout page's socket joined. Registers the connection's lease and flips the
-- session online; a page returning to an abandoned session renews it. Pages of completed or
-- expired sessions are told the status and change nothing.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] connection id
--   ARGV[5]  lease ms               ARGV[6] session ttl ms (for a renewal)
--   ARGV[7…] context field pairs (device, ip, location), written only where still empty
-- Returns {status, expiresAt, tracked (1 when the connection is registered)} or -1 (not found).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "presence"
--@include "renew"

local sid, connId = ARGV[3], ARGV[4]
local leaseMs, ttlMs = tonumber(ARGV[5]), tonumber(ARGV[6])
local key = sessionKey(sid)
local st, on, step = unpack(redis.call('HMGET', key, 'st', 'on', 'step'))
if not st then return -1 end
if st == 'completed' or st == 'expired' then
  return { st, redis.call('HGET', key, 'ea'), 0 }
end
if st == 'abandoned' then
  renewSession(sid, ttlMs)
  st = 'active'
end

if #ARGV >= 7 then
  local context = {}
  local names = {}
  for i = 7, #ARGV, 2 do names[#names + 1] = ARGV[i] end
  local current = redis.call('HMGET', key, unpack(names))
  for i = 7, #ARGV, 2 do
    if not current[(i - 5) / 2] then context[ARGV[i]] = ARGV[i + 1] end
  end
  writeSession(sid, context, false)
end

addConnection(sid, connId, leaseMs)
local state = { on = on, step = step }
if not markOnline(sid, state) then
  writeSession(sid, { lv = NOW }, false)
end
return { st, redis.call('HGET', key, 'ea'), 1 }
