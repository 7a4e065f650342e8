-- recordWebhookAttempt: the outcome of one attempt by the node that claimed the delivery. Delivered:
-- the delivery is done. Otherwise it is due again after the next delay of the schedule, until the
-- retry window (counted from the event) is over: then it is dropped, and the endpoint is disabled
-- unless it has taken another delivery since this event (it answers; it refused this one).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention (unused)
--   ARGV[3]  delivery id            ARGV[4] claim token
--   ARGV[5]  '1' delivered, '0' not ARGV[6] status code ('' when none)
--   ARGV[7]  duration (ms)          ARGV[8] error ('' when none)
--   ARGV[9]  retry window (ms)      ARGV[10…] retry delays (ms), the last repeating
-- Returns 0 when the claim is no longer this node's (its lease ran out and another node took it),
-- 1 delivered, 2 retry scheduled, 3 given up, 4 given up and the endpoint disabled.
--@include "context"
--@include "keys"
--@include "pending-webhooks"

local id, token, delivered = ARGV[3], ARGV[4], ARGV[5] == '1'
local key = webhookDeliveryKey(id)
local ev, ep, kind, att, first, claim = unpack(redis.call('HMGET', key, 'ev', 'ep', 'k', 'att', 'first', 'c'))
if not ev or claim ~= token then return 0 end

local attempt = tonumber(att) + 1
local entry = {
  eventId = ev, eventType = kind, attempt = attempt, durationMs = tonumber(ARGV[7]), attemptedAt = NOW,
  statusCode = ARGV[6] ~= '' and tonumber(ARGV[6]) or cjson.null,
  error = ARGV[8] ~= '' and ARGV[8] or cjson.null,
  nextRetryAt = cjson.null,
}
local ATTEMPTS_KEPT = 100
local function log()
  redis.call('LPUSH', webhookAttemptsKey(ep), cjson.encode(entry))
  redis.call('LTRIM', webhookAttemptsKey(ep), 0, ATTEMPTS_KEPT - 1)
end
local function finish()
  settlePendingDelivery(key)
  redis.call('DEL', key)
  redis.call('ZREM', webhookDueKey(), id)
end

if delivered then
  entry.outcome = 'delivered'
  finish()
  log()
  redis.call('HSET', webhookLastDeliveredKey(), ep, NOW_TEXT)
  return 1
end

local window = tonumber(ARGV[9])
local delays = #ARGV - 9
local delay = tonumber(ARGV[9 + math.min(attempt, delays)])
local nextAt = NOW + delay
if nextAt <= tonumber(first) + window then
  entry.outcome = 'retrying'
  entry.nextRetryAt = nextAt
  redis.call('HSET', key, 'att', attempt)
  redis.call('ZADD', webhookDueKey(), nextAt, id)
  scheduleAt(nextAt)
  log()
  return 2
end

entry.outcome = 'failed'
finish()
log()
local lastDelivered = tonumber(redis.call('HGET', webhookLastDeliveredKey(), ep) or '0')
if lastDelivered >= tonumber(first) then return 3 end
local raw = redis.call('HGET', webhookEndpointsKey(), ep)
if raw then
  local endpoint = cjson.decode(raw)
  endpoint.status = 'disabled'
  endpoint.disabledAt = NOW
  redis.call('HSET', webhookEndpointsKey(), ep, cjson.encode(endpoint))
end
redis.call('HDEL', webhookRoutesKey(), ep)
return 4
