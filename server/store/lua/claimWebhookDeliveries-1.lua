-- claimWebhookDeliveries: takes the tenant's due deliveries for this node to send, moving each one's
-- due time forward by the claim lease, so no other node takes it while it is on its way. A node
-- that dies mid-delivery leaves it due again when the lease runs out (at least once).
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention (unused)
--   ARGV[3]  claim lease (ms)       ARGV[4] most deliveries to claim
--   ARGV[5]  most deliveries in flight per endpoint on the claiming node
--   ARGV[6…] endpoint id, deliveries the node already has in flight for it (pairs)
-- Returns, per claimed delivery, 11 values in a row: delivery id, claim token, event id, endpoint
-- id, session id, event kind, event time (ms), event patch (JSON), attempts so far, url, secret.
-- Deliveries of a deleted or disabled endpoint are dropped (and leave the shard's pending count).
--@include "context"
--@include "keys"
--@include "pending-webhooks"

local lease, most, perEndpoint = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local busy = {}
for i = 6, #ARGV, 2 do busy[ARGV[i]] = tonumber(ARGV[i + 1]) end

-- Reading past the claim size lets an endpoint at its limit not hide the others' due deliveries.
local due = redis.call('ZRANGEBYSCORE', webhookDueKey(), '-inf', NOW, 'LIMIT', 0, most * 4 + 16)
local endpoints = {}
local claimed, count = {}, 0
for _, id in ipairs(due) do
  if count >= most then break end
  local key = webhookDeliveryKey(id)
  local ev, ep, sid, kind, at, patch, att = unpack(redis.call('HMGET', key, 'ev', 'ep', 's', 'k', 'at', 'p', 'att'))
  if not ev then
    redis.call('ZREM', webhookDueKey(), id)
  else
    local endpoint = endpoints[ep]
    if endpoint == nil then
      local raw = redis.call('HGET', webhookEndpointsKey(), ep)
      endpoint = raw and cjson.decode(raw) or false
      endpoints[ep] = endpoint
    end
    if not endpoint or endpoint.status ~= 'enabled' then
      settlePendingDelivery(key)
      redis.call('DEL', key)
      redis.call('ZREM', webhookDueKey(), id)
    elseif (busy[ep] or 0) < perEndpoint then
      busy[ep] = (busy[ep] or 0) + 1
      count = count + 1
      local token = redis.call('HINCRBY', key, 'c', 1)
      redis.call('ZADD', webhookDueKey(), NOW + lease, id)
      scheduleAt(NOW + lease)
      local row = { id, tostring(token), ev, ep, sid, kind, at, patch, att, endpoint.url, endpoint.secret }
      for _, value in ipairs(row) do claimed[#claimed + 1] = value end
    end
  end
end
return claimed
