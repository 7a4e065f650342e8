-- selectPaymentMethod: the customer chose how to pay. Advances paymentStep to 3.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id             ARGV[4] payment method
-- Returns {event id, status after}: the id is '' when this method was the last one chosen and
-- nothing would change (nothing written: repeats from a page are not events); or -1 (not found),
-- {-2, status} (not payable).
--@include "context"
--@include "keys"
--@include "indexes"
--@include "session"
--@include "emit"
--@include "lifecycle"

local sid, method = ARGV[3], ARGV[4]
local st, step, current = unpack(sessionState(sid, 'step', 'pm'))
if not st then return -1 end
if not PAYABLE[st] then return { -2, st } end
if current == method and tonumber(step or '0') >= 3 then
  local last = newestTimelineEntry(sid, 'payment_method_selected')
  if last and type(last.d) == 'table' and last.d.method == method then return { '', st } end
end
local patch = writeSession(sid, { pm = method, step = stepAtLeast(step, 3) }, true)
return { emit(sid, 'payment_method_selected', patch, { method = method }), st }
