-- Ranges over a bit-sliced field (O'Neil & Quass), built in scratch bitmaps: walk the slices from
-- the top bit, keeping the sessions equal to the bound so far and those already past it. AND/XOR/OR
-- only, so shorter bitmaps pad with 0. A slice no session has (an amount's high bits) is all zeros:
-- its step is a no-op, or it settles every session still equal, so the walk skips it or stops there.
--@include "indexes"
--@include "list-scratch"
local function sliceKey(code, bitOrE) return indexKey('s:' .. code .. ':' .. bitOrE) end
local function sliceExists(key) return redis.call('EXISTS', key) == 1 end
local function hasBit(value, i) return math.floor(value / POW2[i]) % 2 == 1 end

-- The sessions whose value is >= bound, in scratch bitmap `name`.
local function slicedAtLeast(code, bound, name)
  local eq, gt, t = scratch(name .. 'eq'), scratch(name .. 'gt'), scratch(name .. 't')
  redis.call('BITOP', 'OR', eq, sliceKey(code, 'e'))
  redis.call('DEL', gt)
  for i = SLICED[code] - 1, 0, -1 do
    local slice = sliceKey(code, i)
    local present = sliceExists(slice)
    if hasBit(bound, i) then
      -- None has this bit: none stays equal, and none can pass the bound below it.
      if not present then redis.call('DEL', eq); break end
      redis.call('BITOP', 'AND', eq, eq, slice)
    elseif present then
      redis.call('BITOP', 'AND', t, eq, slice)
      redis.call('BITOP', 'OR', gt, gt, t)
      redis.call('BITOP', 'XOR', eq, eq, t)
    end
  end
  local out = scratch(name)
  redis.call('BITOP', 'OR', out, gt, eq)
  return out
end

-- The sessions whose value is <= bound, in scratch bitmap `name`.
local function slicedAtMost(code, bound, name)
  local eq, lt, t = scratch(name .. 'eq'), scratch(name .. 'lt'), scratch(name .. 't')
  redis.call('BITOP', 'OR', eq, sliceKey(code, 'e'))
  redis.call('DEL', lt)
  for i = SLICED[code] - 1, 0, -1 do
    local slice = sliceKey(code, i)
    if not sliceExists(slice) then
      -- None has this bit: where the bound has it, every session still equal is below the bound.
      if hasBit(bound, i) then
        redis.call('BITOP', 'OR', lt, lt, eq)
        redis.call('DEL', eq)
        break
      end
    else
      redis.call('BITOP', 'AND', t, eq, slice)
      if hasBit(bound, i) then
        redis.call('BITOP', 'XOR', t, eq, t)
        redis.call('BITOP', 'OR', lt, lt, t)
        redis.call('BITOP', 'AND', eq, eq, slice)
      else
        redis.call('BITOP', 'XOR', eq, eq, t)
      end
    end
  end
  local out = scratch(name)
  redis.call('BITOP', 'OR', out, lt, eq)
  return out
end

-- The sessions whose value is within [lo, hi] (nil: open), in scratch bitmap `name`.
local function slicedRange(code, lo, hi, name)
  local top = POW2[SLICED[code]] -- the first value too large to be stored
  if lo and lo >= top then
    local out = scratch(name)
    redis.call('DEL', out)
    return out
  end
  if lo and lo > 0 and hi then
    local out = slicedAtLeast(code, lo, name)
    local upper = slicedAtMost(code, math.min(hi, top - 1), name .. 'hi')
    redis.call('BITOP', 'AND', out, out, upper)
    return out
  end
  if lo and lo > 0 then return slicedAtLeast(code, lo, name) end
  if hi and hi < top - 1 then return slicedAtMost(code, hi, name) end
  local out = scratch(name)
  redis.call('BITOP', 'OR', out, sliceKey(code, 'e'))
  return out
end
