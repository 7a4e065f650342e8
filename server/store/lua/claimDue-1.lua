-- claimDue: tenants of one shard's schedule whose earliest work is due, each claimed for a while
-- (its time pushed to now + claim) so the nodes sweeping the shard share the work; the node that
-- swept a tenant then sets its time exactly (rescheduleTenant). A node that dies holding claims
-- only delays those tenants until the claims run out.
--   KEYS[1]  the shard's schedule key    ARGV[1] now    ARGV[2] claim ms    ARGV[3] limit
-- Returns, earliest due first, pairs: tenant prefix claimed, the time it was due (its score before
-- the claim; the end of a lapsed claim for a tenant another node claimed and left).
local now, claimMs, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES')
for i = 1, #due, 2 do redis.call('ZADD', KEYS[1], now + claimMs, due[i]) end
return due
