-- Choosing how to answer a list call, from the exact counts of its sources (the paths are
-- listed at the top of listSessions-1.lua). The call's plan `q` is built here.
--@include "list-sources"
--@include "list-walk"
--@include "list-ordinal-walk"

-- {total, newest createdAt or false, strategy, id1, hash1, …}: the script's reply.
local function reply(q, total, strategy, hexes)
  local out = { total, q.newest, strategy }
  for _, hex in ipairs(hexes) do
    local sid = 'sess_' .. hex
    out[#out + 1] = sid
    out[#out + 1] = redis.call('HGETALL', sessionKey(sid))
  end
  return out
end

-- The createdAt range of the plan input (bounds inclusive, open when absent) as numeric bounds
-- and as ranks of i:order (ascending, inclusive).
local function createdAtRange(q, ca)
  q.caFirst, q.caLast = 0, redis.call('ZCARD', q.order) - 1
  if ca then
    q.caMin, q.caMax = bound(ca[1], '-inf'), bound(ca[2], '+inf')
    if q.caMin ~= '-inf' then
      q.nMin = tonumber(q.caMin)
      q.caFirst = redis.call('ZCOUNT', q.order, '-inf', '(' .. q.caMin)
    end
    if q.caMax ~= '+inf' then
      q.nMax = tonumber(q.caMax)
      q.caLast = q.caLast - redis.call('ZCOUNT', q.order, '(' .. q.caMax, '+inf')
    end
  end
  q.caCount = q.caLast - q.caFirst + 1
end

-- Every filter bitmap-backed: their AND gives the exact total at C speed (with a createdAt range,
-- the ordinal walk counts its window). Returns total, strategy, page.
local function bitmapPath(q)
  local matched = andOfBitmaps(q.sources)
  local total = nil
  if not q.caMin then
    total = redis.call('BITCOUNT', matched)
    if total == 0 then return 0, 'empty', {} end
  end
  local function enumerateMatched()
    local count, hexes = enumerate(q, function(visit) eachBit(matched, visit) end, function(n) return inCreatedAt(q, n) end)
    return count, 'bitmap-enum', hexes
  end
  if total and total <= 64 then return enumerateMatched() end
  local walkedTotal, walkedPage = ordinalWalk(q, matched, total)
  if walkedTotal then return walkedTotal, 'ordinal-walk', walkedPage end
  local inMatched = function(n) return redis.call('GETBIT', matched, n) == 1 end
  if q.caMin then
    local count, hexes = orderedPage(q, inMatched, false)
    return count, 'range', hexes
  end
  if not walkIsCheaper(q, total) then return enumerateMatched() end
  local _, hexes = orderedPage(q, inMatched, true)
  return total, 'bitmap-walk', hexes
end

-- At least one filter, none empty, sources sorted by count. Returns total, strategy, page.
local function choosePath(q)
  local smallest = q.sources[1]
  local allBitmaps = allBitmapBacked(q.sources)
  -- The createdAt range is the smallest source and some filter has no bitmap: walk the range in
  -- order, testing the rest.
  if q.caMin and q.caCount <= smallest.count and not allBitmaps then
    local total, hexes = orderedPage(q, function(n) return matches(q, n, nil, false) end, false)
    return total, 'range', hexes
  end
  if allBitmaps and (smallest.count > q.limit or q.caMin) then return bitmapPath(q) end
  -- One filter alone: its count is the total; walk the order while matches are dense.
  if #q.sources == 1 and not q.caMin and walkIsCheaper(q, smallest.count) then
    local _, hexes = orderedPage(q, smallest.test, true)
    return smallest.count, 'walk', hexes
  end
  local total, hexes = enumerate(q, smallest.each, function(n) return matches(q, n, smallest, true) end)
  return total, 'enum', hexes
end

-- The whole list call on its decoded plan input.
local function answerList(spec)
  local q = { offset = spec.o, limit = spec.l, desc = spec.d == 1, order = indexKey('order') }
  q.sources = gatherSources(spec)
  q.newest = redis.call('ZRANGE', q.order, -1, -1, 'WITHSCORES')[2] or false
  for _, s in ipairs(q.sources) do
    if s.count == 0 then return reply(q, 0, 'empty', {}) end
  end
  createdAtRange(q, spec.ca)
  if q.caCount <= 0 then return reply(q, 0, 'empty', {}) end
  if #q.sources == 0 then return reply(q, q.caCount, 'rank', rankPage(q)) end
  table.sort(q.sources, function(a, b) return a.count < b.count end)
  return reply(q, choosePath(q))
end
