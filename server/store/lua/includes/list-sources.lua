-- Sources of a list call: every filter becomes a set of ordinals with an exact count (BITCOUNT,
-- SCARD, ZCOUNT), a membership test and a way to visit its members. Bitmap-backed ones also name
-- their bitmap (or, for a union, their parts), so the planner can AND them at C speed.
--@include "keys"
--@include "list-bits"
--@include "list-sliced"

-- A bound of the plan input: absent, JSON null and false all mean open.
local function bound(v, default)
  if v == nil or v == cjson.null or v == false then return default end
  return v
end

local function bitmapSource(key)
  return { count = redis.call('BITCOUNT', key), bitmap = key,
    test = function(n) return redis.call('GETBIT', key, n) == 1 end,
    each = function(visit) eachBit(key, visit) end }
end

-- One equality value: its bitmap once it has one, its set of ordinals before.
local function valueSource(code, value)
  local name = code .. ':' .. value
  local bitmap = indexKey('b:' .. name)
  if redis.call('EXISTS', bitmap) == 1 then return bitmapSource(bitmap) end
  local set = indexKey('v:' .. name)
  return { count = redis.call('SCARD', set),
    test = function(n) return redis.call('SISMEMBER', set, n) == 1 end,
    each = function(visit) for _, m in ipairs(redis.call('SMEMBERS', set)) do visit(tonumber(m)) end end }
end

-- One session by id: its ordinal, if it has one.
local function idSource(id)
  local n = tonumber(redis.call('HGET', sessionKey(id), 'n'))
  return { count = n and 1 or 0, test = function(m) return m == n end,
    each = function(visit) if n then visit(n) end end }
end

-- Several values of one field, any of which matches: one source over their union. Empty parts
-- are left out; the union keeps their bitmaps when every part has one.
local function unionSource(parts)
  local kept, count, bitmaps = {}, 0, true
  for _, part in ipairs(parts) do
    if part.count > 0 then
      kept[#kept + 1] = part
      count = count + part.count
      if not part.bitmap then bitmaps = false end
    end
  end
  local source = { count = count,
    test = function(n) for _, part in ipairs(kept) do if part.test(n) then return true end end return false end,
    each = function(visit) for _, part in ipairs(kept) do part.each(visit) end end }
  if bitmaps and #kept == 1 then source.bitmap = kept[1].bitmap end
  if bitmaps and #kept > 1 then source.union = kept end
  return source
end

-- A small counter's range: the union of the values seen within it.
local function counterSource(code, lo, hi)
  local parts = {}
  for _, v in ipairs(redis.call('SMEMBERS', indexKey('vals:' .. code))) do
    local value = tonumber(v)
    if value and value >= lo and value <= hi then parts[#parts + 1] = valueSource(code, v) end
  end
  return unionSource(parts)
end

local function anySource(code, values)
  local parts = {}
  for _, v in ipairs(values) do parts[#parts + 1] = valueSource(code, v) end
  return unionSource(parts)
end

-- A range over a sorted set scored by the value (lastVisitAt); bounds as ZCOUNT takes them.
local function scoreRangeSource(code, lo, hi)
  local key = indexKey('r:' .. code)
  local nlo, nhi = tonumber(lo), tonumber(hi)
  return { count = redis.call('ZCOUNT', key, lo, hi),
    test = function(n)
      local s = tonumber(redis.call('ZSCORE', key, n))
      return s ~= nil and s >= nlo and s <= nhi
    end,
    each = function(visit)
      for _, m in ipairs(redis.call('ZRANGE', key, lo, hi, 'BYSCORE')) do visit(tonumber(m)) end
    end }
end

-- Every filter of the plan input as a source (a createdAt range is not one: see list-strategy).
local function gatherSources(spec)
  local sources = {}
  local function add(source) sources[#sources + 1] = source end
  if spec.id then add(idSource(spec.id)) end
  for _, f in ipairs(spec.eq or {}) do add(valueSource(f[1], f[2])) end
  for _, f in ipairs(spec.ct or {}) do add(counterSource(f[1], bound(f[2], 0), bound(f[3], math.huge))) end
  for _, f in ipairs(spec.any or {}) do add(anySource(f[1], f[2])) end
  for i, f in ipairs(spec.rg or {}) do
    if SLICED[f[1]] then add(bitmapSource(slicedRange(f[1], bound(f[2], nil), bound(f[3], nil), 'r' .. i))) end
  end
  for _, f in ipairs(spec.rg or {}) do
    if not SLICED[f[1]] then add(scoreRangeSource(f[1], bound(f[2], '-inf'), bound(f[3], '+inf'))) end
  end
  return sources
end

-- Whether every source is bitmap-backed (a bitmap, or a union of bitmaps).
local function allBitmapBacked(sources)
  for _, s in ipairs(sources) do
    if not (s.bitmap or s.union) then return false end
  end
  return true
end

-- The AND of every bitmap-backed source, in a scratch bitmap (unions ORed first).
local function andOfBitmaps(sources)
  local keys = {}
  for i, s in ipairs(sources) do
    if s.union then
      local parts = {}
      for _, part in ipairs(s.union) do parts[#parts + 1] = part.bitmap end
      keys[#keys + 1] = scratch('u' .. i)
      redis.call('BITOP', 'OR', keys[#keys], unpack(parts))
    else
      keys[#keys + 1] = s.bitmap
    end
  end
  local matched = scratch('and')
  redis.call('BITOP', 'AND', matched, unpack(keys))
  return matched
end
