-- Beside the schedule (same slot): how many webhook deliveries of the shard's tenants are pending
-- (enqueued, not yet delivered nor given up), so /metrics reads the backlog with one GET per shard
-- instead of visiting tenants. A delivery counted carries the field 'n': one enqueued before the
-- count existed is never subtracted from it.
--@include "context"
local PENDING_WEBHOOKS = 'cp:webhooks:pending' .. string.sub(SCHEDULE, #'cp:schedule' + 1)

local function countPendingDelivery(key)
  redis.call('HSET', key, 'n', '1')
  redis.call('INCR', PENDING_WEBHOOKS)
end

-- Before the delivery's hash goes.
local function settlePendingDelivery(key)
  if redis.call('HEXISTS', key, 'n') == 1 then redis.call('DECR', PENDING_WEBHOOKS) end
end
