-- Webhook deliveries are enqueued by the script that appends their event, in the same atomic step:
-- a delivery exists exactly when its event does, whichever node or crash comes between.
-- A tenant without endpoints pays one HGETALL of a missing key per event.
--@include "context"
--@include "keys"
--@include "pending-webhooks"

-- Stream ids padded to a fixed width, so delivery ids sort as their events do.
local function sortableEventId(id)
  local dash = string.find(id, '-', 1, true)
  local ms, seq = string.sub(id, 1, dash - 1), string.sub(id, dash + 1)
  return string.rep('0', 15 - #ms) .. ms .. '-' .. string.rep('0', 15 - #seq) .. seq
end

-- One delivery per enabled endpoint that takes this kind of event, due now. The event's fields are
-- copied into it, so a retry days later does not depend on the stream still holding the event.
local function enqueueDeliveries(eventId, kind, sid, patchJson)
  local routes = redis.call('HGETALL', webhookRoutesKey())
  if #routes == 0 then return end
  local sortable
  for i = 1, #routes, 2 do
    local endpoint, types = routes[i], routes[i + 1]
    if types == '*' or string.find(types, ',' .. kind .. ',', 1, true) then
      sortable = sortable or sortableEventId(eventId)
      local id = sortable .. '/' .. endpoint
      local key = webhookDeliveryKey(id)
      redis.call('HSET', key, 'ev', eventId, 'ep', endpoint, 's', sid, 'k', kind,
        'at', NOW_TEXT, 'p', patchJson, 'att', '0', 'first', NOW_TEXT)
      if redis.call('ZADD', webhookDueKey(), NOW, id) == 1 then countPendingDelivery(key) end
      scheduleAt(NOW)
    end
  end
end
