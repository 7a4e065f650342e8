-- List indexes, kept inside every transition so they never drift from the sessions.
--   i:ca                 every session, scored by createdAt (the list order)
--   i:<code>:<value>     equality fields, scored by createdAt (a createdAt range narrows them too)
--   i:<code>             flag fields (only the rarer value is indexed), scored by createdAt
--   i:<code>             range fields, scored by the field's value
local EQUALITY = { st = true, src = true, host = true, lang = true, pm = true, tx = true,
  lnk = true, cus = true, etx = true, iid = true, ity = true }
local FLAG = { on = '1', rs = '1', fi = '0' }
local RANGE = { amt = true, rc = true, step = true, att = true, cpa = true, aba = true,
  ua = true, ea = true, lv = true }

local function reindexField(sid, createdAt, code, old, new)
  if EQUALITY[code] then
    if old then redis.call('ZREM', indexKey(code .. ':' .. old), sid) end
    if new then redis.call('ZADD', indexKey(code .. ':' .. new), createdAt, sid) end
  elseif FLAG[code] then
    if new == FLAG[code] then
      redis.call('ZADD', indexKey(code), createdAt, sid)
    elseif old == FLAG[code] then
      redis.call('ZREM', indexKey(code), sid)
    end
  elseif RANGE[code] then
    if new then
      redis.call('ZADD', indexKey(code), new, sid)
    else
      redis.call('ZREM', indexKey(code), sid)
    end
  end
end

local function indexNewSession(sid, createdAt, fields)
  redis.call('ZADD', indexKey('ca'), createdAt, sid)
  for code, value in pairs(fields) do reindexField(sid, createdAt, code, nil, value) end
end
