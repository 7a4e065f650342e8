-- Online/offline flips, decided here (compare and set), so racing callers yield one event per flip.
--@include "context"
--@include "keys"
--@include "session"
--@include "emit"
--@include "statuses"

local function addConnection(sid, connId, leaseMs)
  local deadline = NOW + leaseMs
  redis.call('ZADD', connectionsKey(sid), deadline, connId)
  redis.call('ZADD', leasesKey(), 'GT', deadline, sid)
  scheduleAt(deadline)
  redis.call('SADD', LIVE_TENANTS, P)
  redis.call('ZREM', dueKey('offline'), sid)
end

-- Called when a page proves it lives. Returns the event id when this call flipped it online.
local function markOnline(sid, state)
  if state.on == '1' then return false end
  local step = tonumber(state.step or '0')
  local changes = { on = '1', lv = NOW }
  local kind = 'came_back'
  if step < 1 then changes.step = 1; kind = 'page_opened' end
  local patch = writeSession(sid, changes, true)
  redis.call('ZREM', dueKey('abandon'), sid)
  state.on = '1'
  return emit(sid, kind, patch, nil)
end

-- Called when the last page is gone. Schedules abandonment for sessions that can still be paid.
-- The event carries lastVisitAt too: heartbeats advance it without events, so a board learns the
-- page's last visit here.
local function markOffline(sid, abandonAfterMs)
  local st, on, lv = unpack(redis.call('HMGET', sessionKey(sid), 'st', 'on', 'lv'))
  if on ~= '1' then return false end
  local patch = writeSession(sid, { on = '0' }, true)
  if lv then patch.lv = lv end
  if PAYABLE[st] then
    redis.call('ZADD', dueKey('abandon'), NOW + abandonAfterMs, sid)
    scheduleAt(NOW + abandonAfterMs)
  end
  return emit(sid, 'went_offline', patch, nil)
end
