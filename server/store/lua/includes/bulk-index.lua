-- Index upkeep for a batch of new sessions at once (imports): exactly the entries indexNewSession
-- writes, with one command per index key for the whole batch instead of one per session and key.
-- The importer lays out which of the batch's sessions each value and each bit slice holds
-- (server/store/import/bulk-index.ts); a batch's ordinals are consecutive and start a byte, so each
-- bitmap's part is those bytes, written with one SETRANGE.
--@include "indexes"

-- A batch's first ordinal is a multiple of 8 (see importSessions), so its bitmaps' bytes go in as
-- they are and share no byte with earlier sessions. start: the first byte written, counted from
-- the batch's first; bytes over batch positions (position k is bit k-1 from the most significant
-- bit of byte 0).
local function placeBytes(key, first, start, bytes)
  if bytes ~= '' then redis.call('SETRANGE', key, first / 8 + start, bytes) end
end

-- bits, as the importer sends them: { first byte kept, from, to } of the bytes in BULK_BYTES (its
-- third argument of the batch).
local BULK_BYTES = ''
-- The batch's ordinals as text, by batch position (numbers would be formatted again per command).
local BULK_ORDINALS = {}
local UNPACK_MAX = 4000
local function placeBits(key, bits, first)
  placeBytes(key, first, bits[1], string.sub(BULK_BYTES, bits[2], bits[3]))
end

-- The bits of a few batch positions (ascending), laid out as the importer does: start, bytes.
local function bitsOf(positions)
  local start = math.floor((positions[1] - 1) / 8)
  local values = {}
  for i = 1, #positions do
    local p = positions[i] - 1
    local b = math.floor(p / 8) - start + 1
    for fill = #values + 1, b do values[fill] = 0 end
    values[b] = bit.bor(values[b], bit.rshift(128, p % 8))
  end
  return start, string.char(unpack(values))
end

-- The batch positions whose bits are set in bits (as placeBits takes them), ascending.
local function positionsOf(bits)
  local positions = {}
  for i = 0, bits[3] - bits[2] do
    local byte = string.byte(BULK_BYTES, bits[2] + i)
    local b = 0
    while byte ~= 0 do
      if byte >= 128 then positions[#positions + 1] = (bits[1] + i) * 8 + b + 1 end
      byte = (byte * 2) % 256
      b = b + 1
    end
  end
  return positions
end

-- An equality value's sessions: into its bitmap, or its set (which may outgrow into a bitmap, as
-- in addValue; a value only once in the batch is too rare in it for that, so its size is not asked).
local function addGroup(code, value, positions, bits, first, last)
  local name = code .. ':' .. value
  if isBitmap(name) then
    if type(bits) == 'table' then placeBits(bitmapKey(name), bits, first)
    else placeBytes(bitmapKey(name), first, bitsOf(positions)) end
    return
  end
  local members = setKey(name)
  -- Groups with bits come without positions (values with a bitmap, the usual case, need none).
  if #positions == 0 then positions = positionsOf(bits) end
  local ordinals = {}
  for i = 1, #positions do ordinals[i] = BULK_ORDINALS[positions[i]] end
  redis.call('SADD', members, unpack(ordinals))
  if #positions > 1 and outgrowsSet(redis.call('SCARD', members), last) then setToBitmap(name) end
end

-- Values in the batch only a few times are nearly always sets: EXISTS over all their bitmap keys
-- at once settles that for all of them (halving the range where some bitmap is there), instead of
-- one EXISTS per value.
local function learnRareValues(eq)
  local names, bitmaps = {}, {}
  for i = 1, #eq do
    local group = eq[i]
    if not group[4] then
      local name = group[1] .. ':' .. group[2]
      names[#names + 1] = name
      bitmaps[#bitmaps + 1] = bitmapKey(name)
    end
  end
  local function learn(from, to)
    if to - from < 8 then return end -- left to isBitmap, one by one
    if to - from >= UNPACK_MAX or redis.call('EXISTS', unpack(bitmaps, from, to)) > 0 then
      local middle = math.floor((from + to) / 2)
      learn(from, middle)
      learn(middle + 1, to)
      return
    end
    for i = from, to do bitmapKnown[names[i]] = false end
  end
  learn(1, #bitmaps)
end

-- ids, createdAts, lastVisits ('' for none): the batch's sessions in ordinal order, ordinals
-- first..first+#ids-1 (and as text, ordinals), their hashes already written (see importSessions).
-- index: the batch's layout from the importer, { equality groups, sliced fields, counter values },
-- and bytes the bitmaps' bytes it refers to. Writes every list index entry of them.
local function indexNewSessions(ids, createdAts, lastVisits, first, ordinals, index, bytes)
  BULK_BYTES, BULK_ORDINALS = bytes, ordinals
  local count = #ids
  local last = first + count - 1
  local records, orderArgs, visitArgs, late = {}, {}, {}, {}
  local greatest = redis.call('GET', indexKey('last')) or ''
  for k = 1, count do
    local n, createdAt = ordinals[k], createdAts[k]
    local hex = string.sub(ids[k], 6)
    local rec = string.rep('0', 13 - #createdAt) .. createdAt .. hex
    records[k] = rec
    if rec > greatest then greatest = rec else late[#late + 1] = k end
    orderArgs[2 * k - 1], orderArgs[2 * k] = createdAt, hex .. n
    if lastVisits[k] ~= '' then
      visitArgs[#visitArgs + 1] = lastVisits[k]
      visitArgs[#visitArgs + 1] = n
    end
  end
  redis.call('SETRANGE', indexKey('rec'), first * REC_WIDTH, table.concat(records))
  redis.call('SET', indexKey('last'), greatest)
  if #late > 0 then placeBytes(indexKey('late'), first, bitsOf(late)) end
  redis.call('ZADD', indexKey('order'), unpack(orderArgs))
  if #visitArgs > 0 then redis.call('ZADD', indexKey('r:lv'), unpack(visitArgs)) end
  local eq, sl, counters = index[1], index[2], index[3]
  for i = 1, #counters, 2 do redis.call('SADD', indexKey('vals:' .. counters[i]), counters[i + 1]) end
  learnRareValues(eq)
  for i = 1, #eq do
    local group = eq[i]
    addGroup(group[1], group[2], group[3], group[4], first, last)
  end
  for i = 1, #sl do
    local code, present, slices = sl[i][1], sl[i][2], sl[i][3]
    local names = slicesOf(code)
    placeBits(names.e, present, first)
    for j = 1, #slices, 2 do placeBits(names[slices[j]], slices[j + 1], first) end
  end
end

-- What an index layout must be before anything is written: only known indexes, bits in range.
local function bulkIndexError(index)
  local eq, sl, counters = index[1], index[2], index[3]
  if type(eq) ~= 'table' or type(sl) ~= 'table' or type(counters) ~= 'table' then return 'the index layout is malformed' end
  for i = 1, #counters, 2 do
    if not COUNTER[counters[i]] then return counters[i] .. ' is not a counter' end
  end
  for i = 1, #eq do
    if not isEquality(eq[i][1]) then return tostring(eq[i][1]) .. ' has no equality index' end
  end
  for i = 1, #sl do
    local width, slices = SLICED[sl[i][1]], sl[i][3]
    if not width then return tostring(sl[i][1]) .. ' is not bit-sliced' end
    for j = 1, #slices, 2 do
      if type(slices[j]) ~= 'number' or slices[j] < 0 or slices[j] >= width then return sl[i][1] .. ' has no bit ' .. tostring(slices[j]) end
    end
  end
  return nil
end
