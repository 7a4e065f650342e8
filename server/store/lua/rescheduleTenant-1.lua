-- rescheduleTenant: sets the tenant's time in its shard's schedule to its earliest due work
-- (offline graces, leases, abandonment, expiry, webhook deliveries), or takes it out when it has none. Run after a
-- sweep visited the tenant; scripts that add work meanwhile only move the time earlier. A tenant
-- left with no lease leaves the shard's live tenants.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention and schedule key
--   ARGV[3]  the earliest a lapsed lease may count (leases are held back just after an outage)
-- Returns the time set, or -1 when the tenant has nothing due.
--@include "context"
--@include "keys"

local leasesNotBefore = tonumber(ARGV[3])
local earliest = nil
local function consider(key, notBefore)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
  if first then
    local at = math.max(tonumber(first), notBefore)
    if not earliest or at < earliest then earliest = at end
  end
end
if redis.call('EXISTS', leasesKey()) == 0 then redis.call('SREM', LIVE_TENANTS, P) end
consider(dueKey('offline'), 0)
consider(leasesKey(), leasesNotBefore)
consider(dueKey('abandon'), 0)
consider(dueKey('expire'), 0)
consider(webhookDueKey(), 0)
if not earliest then
  redis.call('ZREM', SCHEDULE, P)
  return -1
end
redis.call('ZADD', SCHEDULE, earliest, P)
return earliest
