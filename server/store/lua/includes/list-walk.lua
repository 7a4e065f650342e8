-- Paths that read i:order (score createdAt, member <id hex><n>: exactly the list order) or sort
-- records: rank, walk / range, enum. Each works on the call's plan `q` (see list-strategy):
-- offset, limit, desc, order (the i:order key), sources, and the createdAt range as ranks
-- caFirst..caLast (caCount of them) and numeric bounds nMin / nMax (nil when open).
--@include "list-bits"

local function ordinalOf(member) return tonumber(string.sub(member, 21)) end
local function hexOf(member) return string.sub(member, 1, 20) end

-- No filter but createdAt: a slice of i:order by rank, O(log N) at any offset.
local function rankPage(q)
  local hexes = {}
  if q.offset >= q.caCount then return hexes end
  if q.desc then
    local to = q.caLast - q.offset
    local members = redis.call('ZRANGE', q.order, math.max(q.caFirst, to - q.limit + 1), to)
    for i = #members, 1, -1 do hexes[#hexes + 1] = hexOf(members[i]) end
  else
    local from = q.caFirst + q.offset
    local members = redis.call('ZRANGE', q.order, from, math.min(from + q.limit - 1, q.caLast))
    for _, m in ipairs(members) do hexes[#hexes + 1] = hexOf(m) end
  end
  return hexes
end

-- Members of i:order within the createdAt ranks, in the requested order, in growing chunks;
-- visit returning false stops it.
local function walkOrder(q, visit)
  local chunk, done = 128, 0
  while done < q.caCount do
    local size = math.min(chunk, q.caCount - done)
    local from = q.desc and (q.caLast - done - size + 1) or (q.caFirst + done)
    local members = redis.call('ZRANGE', q.order, from, from + size - 1)
    if q.desc then
      for i = #members, 1, -1 do if visit(members[i]) == false then return end end
    else
      for i = 1, #members do if visit(members[i]) == false then return end end
    end
    done = done + size
    if chunk < 4096 then chunk = chunk * 2 end
  end
end

-- Whether ordinal n was created within the createdAt range (always, without one).
local function inCreatedAt(q, n)
  if not q.caMin then return true end
  local ca = tonumber(string.sub(record(n), 1, 13))
  return not ((q.nMin and ca < q.nMin) or (q.nMax and ca > q.nMax))
end

-- Tests every source but `skip` (and the createdAt range when `withCa`) on ordinal n.
local function matches(q, n, skip, withCa)
  for _, s in ipairs(q.sources) do
    if s ~= skip and not s.test(n) then return false end
  end
  return not withCa or inCreatedAt(q, n)
end

-- Whether walking i:order for the page beats enumerating `total` matches: the walk costs about
-- (offset + limit) / density steps, enumerating the total plus a sort.
local function walkIsCheaper(q, total)
  return (q.offset + q.limit) * (q.caCount / total) < total * 3
end

-- The page of the members of i:order passing test(n), and how many passed: all of them, unless
-- stopAtPage (the caller knows the total).
local function orderedPage(q, test, stopAtPage)
  local seen, hexes = 0, {}
  walkOrder(q, function(member)
    if test(ordinalOf(member)) then
      seen = seen + 1
      if seen > q.offset and #hexes < q.limit then hexes[#hexes + 1] = hexOf(member) end
      if stopAtPage and #hexes >= q.limit then return false end
    end
  end)
  return seen, hexes
end

-- ENUM: the members of a small source passing test(n), sorted by their records (createdAt, then
-- id); returns their count and the page.
local function enumerate(q, each, test)
  local recs = {}
  each(function(n)
    if test(n) then recs[#recs + 1] = record(n) end
  end)
  table.sort(recs)
  local total, hexes = #recs, {}
  for i = q.offset + 1, math.min(q.offset + q.limit, total) do
    local rec = q.desc and recs[total - i + 1] or recs[i]
    hexes[#hexes + 1] = string.sub(rec, 14)
  end
  return total, hexes
end
