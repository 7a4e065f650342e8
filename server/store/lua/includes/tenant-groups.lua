-- Scripts that serve several tenants of one shard in a call (touchPresence, disconnectPage) take,
-- from ARGV[first] on, one group per tenant: its prefix, its number n of items, then n items of
-- `width` arguments each. The tenants share the call whatever their slots (scripts run with
-- allow-cross-slot-keys). Every tenant's keys are reached once before anything is written, so a
-- caller whose view of the Cluster is stale (a slot moved) fails here, having written nothing.
--@include "tenant"
local function eachTenantItem(first, width, visit)
  local group = first
  while group <= #ARGV do
    redis.call('EXISTS', ARGV[group] .. 'leases')
    group = group + 2 + width * tonumber(ARGV[group + 1])
  end
  group = first
  while group <= #ARGV do
    useTenant(ARGV[group])
    local start = group + 2
    group = start + width * tonumber(ARGV[group + 1])
    for i = start, group - 1, width do visit(i) end
  end
end
