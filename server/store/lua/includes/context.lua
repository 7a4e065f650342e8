-- Shared arguments every transition script receives first.
--   KEYS[1]  tenant prefix, e.g. cp:{t:acme:live}:
--   ARGV[1]  now, epoch milliseconds (the caller's clock, so tests drive time)
--   ARGV[2]  change-stream retention (approximate MAXLEN), a space, and the schedule key of the
--            tenant's shard (server/store/schedule.ts): tenant -> earliest due time of its work
-- Script-specific arguments start at ARGV[3].
--@include "tenant"
local NOW = tonumber(ARGV[1])
-- The same instant as given: passed on to commands as it is, not formatted again from a number.
local NOW_TEXT = ARGV[1]
local STREAM_MAXLEN, SCHEDULE = string.match(ARGV[2], '^(%d+) (.+)$')
-- The schedule key lives in another slot of the same shard (scripts run with allow-cross-slot-keys).
-- Touched first, so a caller with a stale view of the Cluster fails here, before any write.
redis.call('EXISTS', SCHEDULE)

-- Due work of this tenant at `at`: the schedule only ever moves earlier here; the sweep that
-- visits the tenant sets it exactly (rescheduleTenant).
local function scheduleAt(at)
  redis.call('ZADD', SCHEDULE, 'LT', at, P)
end

-- Beside the schedule (same slot): the shard's tenants with live pages, whose online count is
-- sampled each minute. A tenant joins with its first lease; rescheduleTenant takes it out.
local LIVE_TENANTS = 'cp:live' .. string.sub(SCHEDULE, #'cp:schedule' + 1)
