-- listSessions: one page of a tenant's sessions matching every filter, its exact total, read in
-- one atomic step (the page, the total and the rows all come from the same state).
--   KEYS[1]  tenant prefix
--   ARGV[1]  the plan input as JSON: {o offset, l limit, d 1 descending, id session id,
--            eq [[code, value]…], any [[code, [value…]]…] (any value matches), ct [[counter code, min, max]…], rg [[range code, min, max]…],
--            ca [min, max]} (bounds inclusive; false means open)
-- Returns {total, newest createdAt or false, strategy, id1, hash1, id2, hash2, …}.
--
-- The planner: every filter is a source of ordinals with an exact count (BITCOUNT, SCARD, ZCOUNT).
--   rank          no filter but createdAt: i:order by rank, O(log N) at any offset
--   ordinal-walk  every filter a bitmap: AND them (C speed, exact total), read the page off the
--                 result in ordinal order (= list order but for late sessions, merged in); a
--                 createdAt range is an ordinal window, offsets skip by BITCOUNT of stretches
--   enum          a small source (a rare id, a small set): test the rest on each member, sort
--   walk / range  a dense lone source, or a createdAt range with non-bitmap filters: walk i:order
--   bitmap-walk / bitmap-enum  the bitmap path when most matches were created late
local P = KEYS[1]
--@include "keys"
--@include "indexes"

local spec = cjson.decode(ARGV[1])
local offset, limit, desc = spec.o, spec.l, spec.d == 1
local TMP = indexKey('tmp')
-- Scratch bitmaps of this run, deleted before it returns (the script is atomic: none outlives it).
local temps = {}
local function scratch(name)
  local key = TMP .. ':' .. name
  temps[#temps + 1] = key
  return key
end
local CA = indexKey('order')

local function bound(v, default) if v == nil or v == cjson.null or v == false then return default end return v end

local function record(n)
  local start = n * REC_WIDTH
  return redis.call('GETRANGE', indexKey('rec'), start, start + REC_WIDTH - 1)
end

-- Calls visit(n) for every set bit of a bitmap, jumping over empty stretches with BITPOS;
-- visit returning false stops it.
local CHUNK = 64
local function eachBit(key, visit, fromByte)
  local byte = fromByte or 0
  while true do
    local pos = redis.call('BITPOS', key, 1, byte)
    if pos < 0 then return end
    byte = math.floor(pos / 8)
    local chunk = redis.call('GETRANGE', key, byte, byte + CHUNK - 1)
    for i = 1, #chunk do
      local v = string.byte(chunk, i)
      if v ~= 0 then
        local base = (byte + i - 1) * 8
        for b = 0, 7 do
          if bit.band(v, bit.lshift(1, 7 - b)) ~= 0 and visit(base + b) == false then return end
        end
      end
    end
    byte = byte + #chunk
    if #chunk < CHUNK then return end
  end
end

-- One equality value as a source.
local function valueSource(code, value)
  local name = code .. ':' .. value
  local bitmap = indexKey('b:' .. name)
  if redis.call('EXISTS', bitmap) == 1 then
    return { count = redis.call('BITCOUNT', bitmap), bitmap = bitmap,
      test = function(n) return redis.call('GETBIT', bitmap, n) == 1 end,
      each = function(visit) eachBit(bitmap, visit) end }
  end
  local set = indexKey('v:' .. name)
  return { count = redis.call('SCARD', set),
    test = function(n) return redis.call('SISMEMBER', set, n) == 1 end,
    each = function(visit) for _, m in ipairs(redis.call('SMEMBERS', set)) do visit(tonumber(m)) end end }
end

local function answer()
local sources = {}
local caMin, caMax

if spec.id then
  local n = redis.call('HGET', sessionKey(spec.id), 'n')
  local count = n and 1 or 0
  n = tonumber(n)
  sources[#sources + 1] = { count = count, test = function(m) return m == n end,
    each = function(visit) if n then visit(n) end end }
end
for _, f in ipairs(spec.eq or {}) do sources[#sources + 1] = valueSource(f[1], f[2]) end
-- Several values of one field, any of which matches: one source over their union.
local function unionSource(parts, count, bitmaps)
  local source = { count = count,
    test = function(n) for _, part in ipairs(parts) do if part.test(n) then return true end end return false end,
    each = function(visit) for _, part in ipairs(parts) do part.each(visit) end end }
  if bitmaps and #parts == 1 then source.bitmap = parts[1].bitmap end
  if bitmaps and #parts > 1 then source.union = parts end
  return source
end
local function addPart(parts, part, state)
  if part.count > 0 then
    parts[#parts + 1] = part
    state.count = state.count + part.count
    if not part.bitmap then state.bitmaps = false end
  end
end
for _, f in ipairs(spec.ct or {}) do
  local lo, hi = bound(f[2], 0), bound(f[3], math.huge)
  local parts, state = {}, { count = 0, bitmaps = true }
  for _, v in ipairs(redis.call('SMEMBERS', indexKey('vals:' .. f[1]))) do
    local value = tonumber(v)
    if value and value >= lo and value <= hi then addPart(parts, valueSource(f[1], v), state) end
  end
  sources[#sources + 1] = unionSource(parts, state.count, state.bitmaps)
end
for _, f in ipairs(spec.any or {}) do
  local parts, state = {}, { count = 0, bitmaps = true }
  for _, v in ipairs(f[2]) do addPart(parts, valueSource(f[1], v), state) end
  sources[#sources + 1] = unionSource(parts, state.count, state.bitmaps)
end
-- Bit-sliced range (O'Neil & Quass): walk the slices from the top bit, keeping the sessions equal
-- to the bound so far and those already past it. AND/XOR/OR only, so shorter bitmaps pad with 0.
-- A slice no session has (an amount's high bits) is all zeros: its step is a no-op, or it settles
-- every session still equal, so the walk skips it or stops there.
local function sliceExists(key) return redis.call('EXISTS', key) == 1 end
local function slicedAtLeast(code, bound, out)
  local exists = indexKey('s:' .. code .. ':e')
  local tag = string.sub(out, #TMP + 2)
  local eq, gt, t = scratch(tag .. 'eq'), scratch(tag .. 'gt'), scratch(tag .. 't')
  redis.call('BITOP', 'OR', eq, exists)
  redis.call('DEL', gt)
  for i = SLICED[code] - 1, 0, -1 do
    local slice = indexKey('s:' .. code .. ':' .. i)
    local present = sliceExists(slice)
    if math.floor(bound / POW2[i]) % 2 == 1 then
      -- None has this bit: none stays equal, and none can pass the bound below it.
      if not present then redis.call('DEL', eq); break end
      redis.call('BITOP', 'AND', eq, eq, slice)
    elseif present then
      redis.call('BITOP', 'AND', t, eq, slice)
      redis.call('BITOP', 'OR', gt, gt, t)
      redis.call('BITOP', 'XOR', eq, eq, t)
    end
  end
  redis.call('BITOP', 'OR', out, gt, eq)
end
local function slicedAtMost(code, bound, out)
  local exists = indexKey('s:' .. code .. ':e')
  local tag = string.sub(out, #TMP + 2)
  local eq, lt, t = scratch(tag .. 'eq'), scratch(tag .. 'lt'), scratch(tag .. 't')
  redis.call('BITOP', 'OR', eq, exists)
  redis.call('DEL', lt)
  for i = SLICED[code] - 1, 0, -1 do
    local slice = indexKey('s:' .. code .. ':' .. i)
    local present = sliceExists(slice)
    if not present then
      -- None has this bit: where the bound has it, every session still equal is below the bound.
      if math.floor(bound / POW2[i]) % 2 == 1 then
        redis.call('BITOP', 'OR', lt, lt, eq)
        redis.call('DEL', eq)
        break
      end
    else
      redis.call('BITOP', 'AND', t, eq, slice)
      if math.floor(bound / POW2[i]) % 2 == 1 then
        redis.call('BITOP', 'XOR', t, eq, t)
        redis.call('BITOP', 'OR', lt, lt, t)
        redis.call('BITOP', 'AND', eq, eq, slice)
      else
        redis.call('BITOP', 'XOR', eq, eq, t)
      end
    end
  end
  redis.call('BITOP', 'OR', out, lt, eq)
end
local function bitmapSource(key)
  return { count = redis.call('BITCOUNT', key), bitmap = key,
    test = function(n) return redis.call('GETBIT', key, n) == 1 end,
    each = function(visit) eachBit(key, visit) end }
end

for i, f in ipairs(spec.rg or {}) do
  if SLICED[f[1]] then
    local code, lo, hi = f[1], bound(f[2], nil), bound(f[3], nil)
    local out = scratch('r' .. i)
    local limitBits = POW2[SLICED[code]]
    if lo and lo >= limitBits then
      redis.call('DEL', out)
    elseif lo and lo > 0 and hi then
      local upper = scratch('r' .. i .. 'hi')
      slicedAtLeast(code, lo, out)
      slicedAtMost(code, math.min(hi, limitBits - 1), upper)
      redis.call('BITOP', 'AND', out, out, upper)
    elseif lo and lo > 0 then
      slicedAtLeast(code, lo, out)
    elseif hi and hi < limitBits - 1 then
      slicedAtMost(code, hi, out)
    else
      redis.call('BITOP', 'OR', out, indexKey('s:' .. code .. ':e'))
    end
    sources[#sources + 1] = bitmapSource(out)
  end
end
for _, f in ipairs(spec.rg or {}) do
  if not SLICED[f[1]] then
    local key = indexKey('r:' .. f[1])
    local lo, hi = bound(f[2], '-inf'), bound(f[3], '+inf')
    local nlo, nhi = tonumber(lo), tonumber(hi)
    sources[#sources + 1] = { count = redis.call('ZCOUNT', key, lo, hi),
      test = function(n)
        local s = tonumber(redis.call('ZSCORE', key, n))
        return s ~= nil and s >= nlo and s <= nhi
      end,
      each = function(visit)
        for _, m in ipairs(redis.call('ZRANGE', key, lo, hi, 'BYSCORE')) do visit(tonumber(m)) end
      end }
  end
end
if spec.ca then
  caMin, caMax = bound(spec.ca[1], '-inf'), bound(spec.ca[2], '+inf')
end

local newest = redis.call('ZRANGE', CA, -1, -1, 'WITHSCORES')[2] or false
local function reply(total, strategy, hexes)
  local out = { total, newest, strategy }
  for _, hex in ipairs(hexes) do
    local sid = 'sess_' .. hex
    out[#out + 1] = sid
    out[#out + 1] = redis.call('HGETALL', sessionKey(sid))
  end
  return out
end

for _, s in ipairs(sources) do
  if s.count == 0 then return reply(0, 'empty', {}) end
end

-- Rank bounds of the createdAt range inside i:order (ascending ranks, inclusive).
local caFirst, caLast = 0, redis.call('ZCARD', CA) - 1
if caMin then
  if caMin ~= '-inf' then caFirst = redis.call('ZCOUNT', CA, '-inf', '(' .. caMin) end
  if caMax ~= '+inf' then caLast = caLast - redis.call('ZCOUNT', CA, '(' .. caMax, '+inf') end
end
local caCount = caLast - caFirst + 1
if caCount <= 0 then return reply(0, 'empty', {}) end

-- Members of i:order between two ascending ranks, in the requested order, one chunk at a time.
local function walkOrder(visit)
  local chunk, done = 128, 0
  local total = caCount
  while done < total do
    local from, to
    local size = math.min(chunk, total - done)
    if desc then
      to = caLast - done; from = to - size + 1
    else
      from = caFirst + done; to = from + size - 1
    end
    local members = redis.call('ZRANGE', CA, from, to)
    if desc then
      for i = #members, 1, -1 do if visit(members[i]) == false then return end end
    else
      for i = 1, #members do if visit(members[i]) == false then return end end
    end
    done = done + size
    if chunk < 4096 then chunk = chunk * 2 end
  end
end

local function ordinalOf(member) return tonumber(string.sub(member, 21)) end

-- No filter but createdAt: a slice of i:order by rank.
if #sources == 0 then
  local hexes = {}
  if offset < caCount then
    local from, to
    if desc then
      to = caLast - offset; from = math.max(caFirst, to - limit + 1)
    else
      from = caFirst + offset; to = math.min(from + limit - 1, caLast)
    end
    local members = redis.call('ZRANGE', CA, from, to)
    if desc then
      local reversed = {}
      for i = #members, 1, -1 do reversed[#reversed + 1] = members[i] end
      members = reversed
    end
    for _, m in ipairs(members) do hexes[#hexes + 1] = string.sub(m, 1, 20) end
  end
  return reply(caCount, 'rank', hexes)
end

table.sort(sources, function(a, b) return a.count < b.count end)
local smallest = sources[1]

-- Tests every source but `skip` (and the createdAt range when `withCa`) on ordinal n.
-- Numeric createdAt bounds (nil when open; tonumber('-inf') would be a number).
local nMin = caMin ~= '-inf' and tonumber(caMin) or nil
local nMax = caMax ~= '+inf' and tonumber(caMax) or nil
local function matches(n, skip, withCa)
  for _, s in ipairs(sources) do
    if s ~= skip and not s.test(n) then return false end
  end
  if withCa and caMin then
    local ca = tonumber(string.sub(record(n), 1, 13))
    if (nMin and ca < nMin) or (nMax and ca > nMax) then return false end
  end
  return true
end

-- The ordered page of an ordered stream of candidates: counts them all unless stopAtPage.
local function orderedPage(test, stopAtPage)
  local seen, hexes = 0, {}
  walkOrder(function(member)
    if test(ordinalOf(member)) then
      seen = seen + 1
      if seen > offset and #hexes < limit then hexes[#hexes + 1] = string.sub(member, 1, 20) end
      if stopAtPage and #hexes >= limit then return false end
    end
  end)
  return seen, hexes
end

-- ENUM: the matches of the smallest source, sorted by their records (createdAt, then id).
local function enumerate(strategy, each, test)
  local recs = {}
  each(function(n)
    if test(n) then recs[#recs + 1] = record(n) end
  end)
  table.sort(recs)
  local total, hexes = #recs, {}
  for i = offset + 1, math.min(offset + limit, total) do
    local rec = desc and recs[total - i + 1] or recs[i]
    hexes[#hexes + 1] = string.sub(rec, 14)
  end
  return reply(total, strategy, hexes)
end

-- Whether every filter is bitmap-backed, and their AND as one scratch bitmap.
local allBitmaps = true
for _, s in ipairs(sources) do
  if not (s.bitmap or s.union) then allBitmaps = false end
end
local function andOfBitmaps()
  local keys = {}
  for i, s in ipairs(sources) do
    if s.union then
      local unionKey = scratch('u' .. i)
      local parts = {}
      for _, part in ipairs(s.union) do parts[#parts + 1] = part.bitmap end
      redis.call('BITOP', 'OR', unionKey, unpack(parts))
      keys[#keys + 1] = unionKey
    else
      keys[#keys + 1] = s.bitmap
    end
  end
  local matched = scratch('and')
  redis.call('BITOP', 'AND', matched, unpack(keys))
  return matched
end

-- The createdAt range is the smallest source and some filter has no bitmap: walk the range in
-- order, testing the rest.
if caMin and caCount <= smallest.count and not allBitmaps then
  local total, hexes = orderedPage(function(n) return matches(n, nil, false) end, false)
  return reply(total, 'range', hexes)
end

-- Calls visit(n) for the set bits of a bitmap from the highest ordinal down, a chunk at a time
-- (stretches of zero bytes are skipped by one string comparison).
local ZEROS = string.rep('\0', 4096)
local function eachBitDown(key, visit, fromByte)
  local hi = fromByte or (redis.call('STRLEN', key) - 1)
  while hi >= 0 do
    local lo = math.max(0, hi - 4095)
    local chunk = redis.call('GETRANGE', key, lo, hi)
    if chunk ~= string.sub(ZEROS, 1, #chunk) then
      for i = #chunk, 1, -1 do
        local v = string.byte(chunk, i)
        if v ~= 0 then
          local base = (lo + i - 1) * 8
          for b = 7, 0, -1 do
            if bit.band(v, bit.lshift(1, 7 - b)) ~= 0 then
              if visit(base + b) == false then return end
            end
          end
        end
      end
    end
    hi = lo - 1
  end
end

-- ORDINAL WALK: sessions that were not created late (see indexes.lua) are in list order by
-- ordinal, so the page is read straight off the matched bitmap, merged with the few late ones.
-- A createdAt range becomes a window of ordinals, found by binary search over the records.
local LATE_MERGE_MAX = 2000
local LATE = indexKey('late')
local SEQ = tonumber(redis.call('GET', indexKey('seq')) or '0')

-- The first ordinal >= n that was not created late (SEQ + 1 when none).
local LATE_BITS = redis.call('STRLEN', LATE) * 8
local function nonLateFrom(n)
  if n > SEQ then return SEQ + 1 end
  if n >= LATE_BITS then return n end
  local pos = redis.call('BITPOS', LATE, 0, n, LATE_BITS - 1, 'BIT')
  if pos < 0 then pos = LATE_BITS end
  return math.min(pos, SEQ + 1)
end
-- The first non-late ordinal whose record is >= key (records of non-late ordinals increase).
local function firstAtLeast(key)
  local lo, hi = 1, SEQ + 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local n = nonLateFrom(mid)
    if n > SEQ or record(n) >= key then hi = mid else lo = n + 1 end
  end
  return nonLateFrom(lo)
end

local function ordinalWalk(allMatched, total)
  local matched = allMatched
  local lowN, highN = 0, redis.call('STRLEN', matched) * 8 - 1
  local loKey, hiKey
  if caMin then
    loKey = nMin and string.format('%013d', nMin) or ''
    hiKey = nMax and string.format('%013d', nMax + 1) or nil
    lowN = firstAtLeast(loKey)
    if hiKey then highN = math.min(highN, firstAtLeast(hiKey) - 1) end
  end
  local lateMatched = scratch('late')
  redis.call('BITOP', 'AND', lateMatched, allMatched, LATE)
  local lateCount = redis.call('BITCOUNT', lateMatched)
  -- Mostly late matches (creation times far out of order): the ordinal order says little; let
  -- the createdAt walk answer.
  if lateCount > LATE_MERGE_MAX or (total and lateCount * 2 > total) then return nil end
  local late = {}
  if lateCount > 0 then
    eachBit(lateMatched, function(n)
      local rec = record(n)
      if (not loKey or rec >= loKey) and (not hiKey or rec < hiKey) then late[#late + 1] = rec end
    end)
    table.sort(late)
    if desc then
      local reversed = {}
      for i = #late, 1, -1 do reversed[#reversed + 1] = late[i] end
      late = reversed
    end
    -- The non-late matches, in a copy: a fallback still needs every match.
    matched = scratch('nonlate')
    redis.call('BITOP', 'XOR', matched, allMatched, lateMatched)
  end
  if not total then
    total = #late
    if lowN <= highN then total = total + redis.call('BITCOUNT', matched, lowN, highN, 'BIT') end
    if lateCount * 2 > total then return nil end
  end
  local hexes = {}
  if lowN > highN and #late == 0 then return reply(total, 'ordinal-walk', hexes) end

  -- Skip whole stretches of the window by counting them, when nothing needs merging.
  local skip, from = offset, desc and highN or lowN
  if #late == 0 then
    local STRETCH = 32768
    if desc then
      while from >= lowN do
        local lo = math.max(lowN, from - STRETCH + 1)
        local c = redis.call('BITCOUNT', matched, lo, from, 'BIT')
        if c > skip then break end
        skip = skip - c; from = lo - 1
      end
    else
      while from <= highN do
        local hi = math.min(highN, from + STRETCH - 1)
        local c = redis.call('BITCOUNT', matched, from, hi, 'BIT')
        if c > skip then break end
        skip = skip - c; from = hi + 1
      end
    end
  end

  local li = 1
  local function take(rec)
    if skip > 0 then skip = skip - 1 else hexes[#hexes + 1] = string.sub(rec, 14) end
    return #hexes < limit
  end
  local before = desc and function(x, y) return x > y end or function(x, y) return x < y end
  local open = true
  local function visit(n)
    if n < lowN or n > highN then return (desc and n > highN) or (not desc and n < lowN) end
    if n > SEQ then return true end
    local rec = record(n)
    while li <= #late and before(late[li], rec) do
      open = take(late[li]); li = li + 1
      if not open then return false end
    end
    open = take(rec)
    return open
  end
  if from >= lowN and from <= highN then
    if desc then eachBitDown(matched, visit, math.floor(from / 8)) else eachBit(matched, visit, math.floor(from / 8)) end
  end
  while open and li <= #late do
    open = take(late[li]); li = li + 1
  end
  return reply(total, 'ordinal-walk', hexes)
end

-- Every filter bitmap-backed: their AND gives the exact total at C speed (with a createdAt
-- range, the count of its ordinal window).
if allBitmaps and (smallest.count > limit or caMin) then
  local matched = andOfBitmaps()
  local total = nil
  if not caMin then
    total = redis.call('BITCOUNT', matched)
    if total == 0 then return reply(0, 'empty', {}) end
  end
  local enumerateMatched = function()
    return enumerate('bitmap-enum', function(visit) eachBit(matched, visit) end, function(n)
      if not caMin then return true end
      local ca = tonumber(string.sub(record(n), 1, 13))
      return not ((nMin and ca < nMin) or (nMax and ca > nMax))
    end)
  end
  if total and total <= 64 then return enumerateMatched() end
  local answered = ordinalWalk(matched, total)
  if answered then return answered end
  if caMin then
    local count, hexes = orderedPage(function(n) return redis.call('GETBIT', matched, n) == 1 end, false)
    return reply(count, 'range', hexes)
  end
  -- Walking createdAt costs about (offset+limit)/density steps; enumerating, the total plus a sort.
  if (offset + limit) * (caCount / total) >= total * 3 then return enumerateMatched() end
  local _, hexes = orderedPage(function(n) return redis.call('GETBIT', matched, n) == 1 end, true)
  return reply(total, 'bitmap-walk', hexes)
end

-- One filter alone: its count is the total; walk the order while matches are dense.
if #sources == 1 and not caMin then
  local total = smallest.count
  if (offset + limit) * (caCount / total) < total * 3 then
    local _, hexes = orderedPage(smallest.test, true)
    return reply(total, 'walk', hexes)
  end
end

return enumerate('enum', smallest.each, function(n) return matches(n, smallest, true) end)
end

local result = answer()
if #temps > 0 then redis.call('DEL', unpack(temps)) end
return result
