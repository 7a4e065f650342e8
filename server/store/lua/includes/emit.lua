-- Timeline and change stream: every transition appends exactly one event, in the same script.
--@include "webhooks"
local TIMELINE_CAP = 100

local function appendTimeline(sid, kind, data)
  local key = timelineKey(sid)
  local entry = { t = kind, at = NOW }
  if data then entry.d = data end
  redis.call('RPUSH', key, cjson.encode(entry))
  redis.call('LTRIM', key, -TIMELINE_CAP, -1)
end

-- One entry of the tenant's change stream; patchJson: the session fields written, as JSON (codes;
-- false cleared), an object or [code, value, …] pairs.
local function appendEvent(sid, kind, patchJson)
  local id = redis.call('XADD', streamKey(), 'MAXLEN', '~', STREAM_MAXLEN, '*',
    'k', kind, 's', sid, 'at', NOW_TEXT, 'p', patchJson)
  enqueueDeliveries(id, kind, sid, patchJson)
  return id
end

local function emit(sid, kind, patch, data)
  appendTimeline(sid, kind, data)
  return appendEvent(sid, kind, cjson.encode(patch))
end
