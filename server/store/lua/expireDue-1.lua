-- expireDue: sessions whose expiresAt has passed become expired (open, failed or abandoned ones).
-- Claimed and applied atomically, like every sweep; a renewal re-scores the entry, so only
-- sessions still due are found.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  batch limit
-- Returns {sessions expired, 1 when more is due}.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local limit = tonumber(ARGV[3])
local due = redis.call('ZRANGE', dueKey('expire'), '-inf', NOW, 'BYSCORE', 'LIMIT', 0, limit)
local applied = 0
for _, sid in ipairs(due) do
  redis.call('ZREM', dueKey('expire'), sid)
  local st = unpack(sessionState(sid))
  if st and EXPIRABLE[st] then
    redis.call('ZREM', dueKey('abandon'), sid)
    local patch = writeSession(sid, { st = 'expired' }, true)
    emit(sid, 'expired', patch, { reason = 'timeout' })
    applied = applied + 1
  end
end
local more = 0
if #due == limit then more = 1 end
return { applied, more }
