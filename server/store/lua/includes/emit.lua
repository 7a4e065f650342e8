-- Timeline and change stream: every transition appends exactly one event, in the same script.
--@include "context"
--@include "keys"
--@include "webhooks"
local TIMELINE_CAP = 100
-- Page chatter: steps a page reports and presence flips, which a page can repeat at will. Over the
-- cap, the oldest of these goes first, so created, payment outcomes, recovery and expiry are never
-- pushed out by a chatty (or hostile) page.
local TIMELINE_CHATTER = {
  page_opened = true, details_provided = true, payment_method_selected = true, went_offline = true, came_back = true,
}
-- A placeholder value (not a key) an entry is swapped for, so LREM takes out that one entry.
local TIMELINE_DROPPED = '(dropped)'

local function appendTimeline(sid, kind, data)
  local key = timelineKey(sid)
  local entry = { t = kind, at = NOW }
  if data then entry.d = data end
  if redis.call('RPUSH', key, cjson.encode(entry)) <= TIMELINE_CAP then return end
  -- Entries are small JSON objects; a quote inside data is escaped, so this finds the type only.
  local entries = redis.call('LRANGE', key, 0, -1)
  local drop = nil
  for i = 1, #entries do
    if TIMELINE_CHATTER[string.match(entries[i], '"t":"([%w_]+)"')] then
      drop = i
      break
    end
  end
  -- Only lifecycle entries left: the oldest after `created` goes.
  if not drop then drop = string.find(entries[1], '"t":"created"', 1, true) and 2 or 1 end
  redis.call('LSET', key, drop - 1, TIMELINE_DROPPED)
  redis.call('LREM', key, 1, TIMELINE_DROPPED)
end

-- `id`: the id of the tenant's stream's newest entry before this script's first append ('0-0' for
-- an empty stream); then the id of this script's own last append.
local lastEvent = tenantMemo()

-- One entry of the tenant's change stream; patchJson: the session fields written, as JSON (codes;
-- false cleared), an object or [code, value, …] pairs.
-- Each entry is also published as a notice on the tenant's feed channel, carrying the id of the
-- entry before it, so a node that follows the tenant applies it without reading the stream and
-- spots a lost notice by its predecessor. Format (server/store/change-stream.ts parses it):
--   id \n previous id \n kind \n session id \n at \n patch JSON
local function appendEvent(sid, kind, patchJson)
  if not lastEvent.id then
    local newest = redis.call('XREVRANGE', streamKey(), '+', '-', 'COUNT', 1)[1]
    lastEvent.id = newest and newest[1] or '0-0'
  end
  -- Stream fields: k kind, s session, at ms, p patch (explained in server/store/change-stream.ts).
  local id = redis.call('XADD', streamKey(), 'MAXLEN', '~', STREAM_MAXLEN, '*',
    'k', kind, 's', sid, 'at', NOW_TEXT, 'p', patchJson)
  redis.call('SPUBLISH', feedChannel(), id .. '\n' .. lastEvent.id .. '\n' .. kind .. '\n' .. sid .. '\n' .. NOW_TEXT .. '\n' .. patchJson)
  lastEvent.id = id
  enqueueDeliveries(id, kind, sid, patchJson)
  return id
end

local function emit(sid, kind, patch, data)
  appendTimeline(sid, kind, data)
  return appendEvent(sid, kind, cjson.encode(patch))
end
