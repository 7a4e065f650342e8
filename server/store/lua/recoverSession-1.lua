-- recoverSession: the customer confirmed a recovery link (POST). Reopens an abandoned session, or
-- one the expiry timer closed; never one the merchant expired (DELETE), and each link only once.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] lifetime ms
--   ARGV[5]  digest of the link     ARGV[6] how long the link stays valid, ms
-- Returns the event id, 0 (the session is open already: nothing to do), -1 (not found),
-- {-2, status} (not recoverable) or -4 (the link was used).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "renew"
--@include "lifecycle"

local sid, ttlMs, linkDigest, linkTtlMs = ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local st = unpack(sessionState(sid))
if not st then return -1 end
if redis.call('EXISTS', recoveryUsedKey(linkDigest)) == 1 then return -4 end
if PAYABLE[st] then return 0 end
if not RENEWABLE[st] then return { -2, st } end
if st == 'expired' then
  -- The newest `expired` entry says who closed it; lifecycle entries are never trimmed by page chatter.
  local entries = redis.call('LRANGE', timelineKey(sid), 0, -1)
  for i = #entries, 1, -1 do
    local entry = cjson.decode(entries[i])
    if entry.t == 'expired' then
      if type(entry.d) == 'table' and entry.d.reason == 'merchant' then return { -2, 'expired by the merchant' } end
      break
    end
  end
end
redis.call('SET', recoveryUsedKey(linkDigest), '1', 'PX', math.max(1, linkTtlMs))
return renewSession(sid, ttlMs)
