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

-- The id of the stream's newest entry before this script's first append ('0-0' for an empty
-- stream); then the id of this script's own last append.
local lastEventId = nil

-- One entry of the tenant's change stream; patchJson: the session fields written, as JSON (codes;
-- false cleared), an object or [code, value, …] pairs.
-- Each entry is also published as a notice on the tenant's feed channel, carrying the id of the
-- entry before it, so a node that follows the tenant applies it without reading the stream and
-- spots a lost notice by its predecessor. Format (server/store/change-stream.ts parses it):
--   id \n previous id \n kind \n session id \n at \n patch JSON
local function appendEvent(sid, kind, patchJson)
  if not lastEventId then
    local newest = redis.call('XREVRANGE', streamKey(), '+', '-', 'COUNT', 1)[1]
    lastEventId = newest and newest[1] or '0-0'
  end
  local id = redis.call('XADD', streamKey(), 'MAXLEN', '~', STREAM_MAXLEN, '*',
    'k', kind, 's', sid, 'at', NOW_TEXT, 'p', patchJson)
  redis.call('SPUBLISH', feedChannel(), id .. '\n' .. lastEventId .. '\n' .. kind .. '\n' .. sid .. '\n' .. NOW_TEXT .. '\n' .. patchJson)
  lastEventId = id
  enqueueDeliveries(id, kind, sid, patchJson)
  return id
end

local function emit(sid, kind, patch, data)
  appendTimeline(sid, kind, data)
  return appendEvent(sid, kind, cjson.encode(patch))
end
