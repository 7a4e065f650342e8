-- disconnectPage: a page's socket closed. With other tabs alive nothing flips. A clean close
-- goes offline after the grace (so reloads never flap); a silent one (ping timeout) at once,
-- since its silence already outlasted the grace.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] connection id
--   ARGV[5]  '1' clean close, '0' silent
--   ARGV[6]  offline grace ms       ARGV[7] abandon after ms
--   ARGV[8]  lease ms when the page itself said it left (its socket, if any, may live on
--            for a while and must not renew the connection); absent for a socket close
-- Returns 0 (others remain or already offline), 1 (offline scheduled) or 2 (offline now).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "presence"

local sid, connId, clean = ARGV[3], ARGV[4], ARGV[5] == '1'
local graceMs, abandonAfterMs = tonumber(ARGV[6]), tonumber(ARGV[7])
local conns = connectionsKey(sid)
redis.call('ZREM', conns, connId)
if ARGV[8] then
  redis.call('SADD', releasedKey(sid), connId)
  redis.call('PEXPIRE', releasedKey(sid), ARGV[8])
end
local latest = redis.call('ZRANGE', conns, -1, -1, 'WITHSCORES')
if latest[2] then
  redis.call('ZADD', leasesKey(), latest[2], sid)
  scheduleAt(latest[2])
  return 0
end
redis.call('ZREM', leasesKey(), sid)
if redis.call('HGET', sessionKey(sid), 'on') ~= '1' then return 0 end
if clean then
  redis.call('ZADD', dueKey('offline'), NOW + graceMs, sid)
  scheduleAt(NOW + graceMs)
  return 1
end
markOffline(sid, abandonAfterMs)
return 2
