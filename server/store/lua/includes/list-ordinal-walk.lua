-- ORDINAL WALK: sessions that were not created late (see indexes.lua) are in list order by
-- ordinal, so the page is read straight off the bitmap of matches, merged with the few late ones.
-- A createdAt range becomes a window of ordinals, found by binary search over the records. The
-- walk's state `w`: late (key), seq, lateBits, and the window lowN..highN with its record bounds
-- loKey (inclusive) and hiKey (exclusive), nil when open.
--@include "list-bits"
--@include "list-scratch"
local LATE_MERGE_MAX = 2000
local STRETCH = 32768

local function ordinalState()
  local late = indexKey('late')
  return { late = late, seq = tonumber(redis.call('GET', indexKey('seq')) or '0'),
    lateBits = redis.call('STRLEN', late) * 8 }
end

-- The first ordinal >= n that was not created late (seq + 1 when none).
local function nonLateFrom(w, n)
  if n > w.seq then return w.seq + 1 end
  if n >= w.lateBits then return n end
  local pos = redis.call('BITPOS', w.late, 0, n, w.lateBits - 1, 'BIT')
  if pos < 0 then pos = w.lateBits end
  return math.min(pos, w.seq + 1)
end

-- The first non-late ordinal whose record is >= key (records of non-late ordinals increase).
local function firstAtLeast(w, key)
  local lo, hi = 1, w.seq + 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local n = nonLateFrom(w, mid)
    if n > w.seq or record(n) >= key then hi = mid else lo = n + 1 end
  end
  return nonLateFrom(w, lo)
end

-- The window of ordinals to read: the whole bitmap, or the createdAt range's.
local function ordinalWindow(q, w, matched)
  w.lowN, w.highN = 0, redis.call('STRLEN', matched) * 8 - 1
  if not q.caMin then return end
  w.loKey = q.nMin and string.format('%013d', q.nMin) or ''
  w.hiKey = q.nMax and string.format('%013d', q.nMax + 1) or nil
  w.lowN = firstAtLeast(w, w.loKey)
  if w.hiKey then w.highN = math.min(w.highN, firstAtLeast(w, w.hiKey) - 1) end
end

-- The records of the late matches within the window's record bounds, in the requested order.
local function lateRecords(q, w, lateMatched)
  local late = {}
  eachBit(lateMatched, function(n)
    local rec = record(n)
    if (not w.loKey or rec >= w.loKey) and (not w.hiKey or rec < w.hiKey) then late[#late + 1] = rec end
  end)
  if q.desc then table.sort(late, function(a, b) return a > b end) else table.sort(late) end
  return late
end

-- Skips whole stretches of the window by counting them (when nothing needs merging): returns
-- the matches still to skip and the ordinal to read from.
local function skipStretches(q, w, matched)
  local skip = q.offset
  if q.desc then
    local from = w.highN
    while from >= w.lowN do
      local lo = math.max(w.lowN, from - STRETCH + 1)
      local c = redis.call('BITCOUNT', matched, lo, from, 'BIT')
      if c > skip then break end
      skip = skip - c; from = lo - 1
    end
    return skip, from
  end
  local from = w.lowN
  while from <= w.highN do
    local hi = math.min(w.highN, from + STRETCH - 1)
    local c = redis.call('BITCOUNT', matched, from, hi, 'BIT')
    if c > skip then break end
    skip = skip - c; from = hi + 1
  end
  return skip, from
end

-- The page: the window's matches from `from` on, merged with the late records, `skip` skipped.
local function readWindow(q, w, matched, late, skip, from)
  local hexes, li, open = {}, 1, true
  local function take(rec)
    if skip > 0 then skip = skip - 1 else hexes[#hexes + 1] = string.sub(rec, 14) end
    return #hexes < q.limit
  end
  local before = q.desc and function(x, y) return x > y end or function(x, y) return x < y end
  local function visit(n)
    if n < w.lowN or n > w.highN then return (q.desc and n > w.highN) or (not q.desc and n < w.lowN) end
    if n > w.seq then return true end
    local rec = record(n)
    while li <= #late and before(late[li], rec) do
      open = take(late[li]); li = li + 1
      if not open then return false end
    end
    open = take(rec)
    return open
  end
  if from >= w.lowN and from <= w.highN then
    local each = q.desc and eachBitDown or eachBit
    each(matched, visit, math.floor(from / 8))
  end
  while open and li <= #late do
    open = take(late[li]); li = li + 1
  end
  return hexes
end

-- The total and page of the matches in `allMatched` (total nil: counted here, within the
-- createdAt window), or nil when most matches were created late: the ordinal order says little
-- then, and the createdAt walk answers.
local function ordinalWalk(q, allMatched, total)
  local w = ordinalState()
  ordinalWindow(q, w, allMatched)
  local lateMatched = scratch('late')
  redis.call('BITOP', 'AND', lateMatched, allMatched, w.late)
  local lateCount = redis.call('BITCOUNT', lateMatched)
  if lateCount > LATE_MERGE_MAX or (total and lateCount * 2 > total) then return nil end
  local late, matched = {}, allMatched
  if lateCount > 0 then
    late = lateRecords(q, w, lateMatched)
    -- The non-late matches, in a copy: a fallback still needs every match.
    matched = scratch('nonlate')
    redis.call('BITOP', 'XOR', matched, allMatched, lateMatched)
  end
  if not total then
    total = #late
    if w.lowN <= w.highN then total = total + redis.call('BITCOUNT', matched, w.lowN, w.highN, 'BIT') end
    if lateCount * 2 > total then return nil end
  end
  if w.lowN > w.highN and #late == 0 then return total, {} end
  local skip, from = q.offset, q.desc and w.highN or w.lowN
  if #late == 0 then skip, from = skipStretches(q, w, matched) end
  return total, readWindow(q, w, matched, late, skip, from)
end
