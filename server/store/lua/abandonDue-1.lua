-- abandonDue: sessions offline for the abandonment period become abandoned. Each due entry is
-- claimed (removed) in this same atomic step, so two nodes sweeping never apply one twice;
-- a session that came back, was paid or expired meanwhile is skipped.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  batch limit
-- Returns {sessions abandoned, 1 when more is due}.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local limit = tonumber(ARGV[3])
local due = redis.call('ZRANGE', dueKey('abandon'), '-inf', NOW, 'BYSCORE', 'LIMIT', 0, limit)
local applied = 0
for _, sid in ipairs(due) do
  redis.call('ZREM', dueKey('abandon'), sid)
  local st, on = unpack(sessionState(sid, 'on'))
  if st and PAYABLE[st] and on ~= '1' then
    local patch = writeSession(sid, { st = 'abandoned', aba = NOW }, true)
    emit(sid, 'abandoned', patch, { previous = st })
    applied = applied + 1
  end
end
local more = 0
if #due == limit then more = 1 end
return { applied, more }
