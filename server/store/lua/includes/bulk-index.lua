-- Index upkeep for a batch of new sessions at once (imports): exactly the entries indexNewSession
-- writes, with one command per index key for the whole batch instead of one per session and key.
-- A batch's ordinals are consecutive, so each bitmap is built here as the bytes the batch covers and
-- written with one SETRANGE; only the batch's first byte can hold bits of earlier sessions, and
-- those are kept.

-- Bit values within a byte: Redis numbers bits from the most significant one.
local BYTE_BIT = { [0] = 128, 64, 32, 16, 8, 4, 2, 1 }
-- For each byte value, the positions of its set bits (0 = least significant).
local SET_BITS = {}
for b = 0, 255 do
  local positions, v, i = {}, b, 0
  while v > 0 do
    local low = v % 2
    if low == 1 then positions[#positions + 1] = i end
    v, i = (v - low) / 2, i + 1
  end
  SET_BITS[b] = positions
end
local UNPACK_MAX = 4000

-- Where the batch's k-th session (ordinal first + k - 1) sits: its byte, counted from the batch's
-- first byte (1), and its bit's value in that byte.
local function batchGeometry(first, count)
  local byteOf, bitOf = {}, {}
  local byte, position = 1, first % 8
  for k = 1, count do
    byteOf[k], bitOf[k] = byte, BYTE_BIT[position]
    position = position + 1
    if position == 8 then position, byte = 0, byte + 1 end
  end
  return byteOf, bitOf
end

-- bits: byte (from the batch's first) -> value, with lo/hi the first and last bytes touched.
local function writeBits(key, bits, first)
  local bytes = {}
  for b = bits.lo, bits.hi do bytes[#bytes + 1] = bits[b] or 0 end
  if bits.lo == 1 and first % 8 ~= 0 then
    -- Earlier ordinals share this byte; theirs and ours are different bits, so adding is OR.
    local existing = redis.call('GETRANGE', key, math.floor(first / 8), math.floor(first / 8))
    if existing ~= '' then bytes[1] = bytes[1] + string.byte(existing) end
  end
  local parts = {}
  for from = 1, #bytes, UNPACK_MAX do
    parts[#parts + 1] = string.char(unpack(bytes, from, math.min(#bytes, from + UNPACK_MAX - 1)))
  end
  redis.call('SETRANGE', key, math.floor(first / 8) + bits.lo - 1, table.concat(parts))
end

-- An equality value's sessions (batch positions, ascending): into its bitmap, or its set (which
-- may outgrow into a bitmap, as in addValue).
local function addValueBatch(name, positions, first, byteOf, bitOf)
  if isBitmap(name) then
    local bits = { lo = byteOf[positions[1]], hi = byteOf[positions[#positions]] }
    for i = 1, #positions do
      local k = positions[i]
      local b = byteOf[k]
      bits[b] = (bits[b] or 0) + bitOf[k]
    end
    writeBits(bitmapKey(name), bits, first)
    return
  end
  local members = setKey(name)
  local ordinals = {}
  for i, k in ipairs(positions) do ordinals[i] = first + k - 1 end
  redis.call('SADD', members, unpack(ordinals))
  local size = redis.call('SCARD', members)
  if size > SET_MAX and size * BITMAP_SHARE > first + #byteOf - 1 then
    local bitmap = bitmapKey(name)
    for _, member in ipairs(redis.call('SMEMBERS', members)) do redis.call('SETBIT', bitmap, member, 1) end
    redis.call('DEL', members)
    bitmapKnown[name] = true
  end
end

-- What each field code's index is: 1 equality, 2 bit-sliced, 3 sorted set.
local INDEX_KIND = {}
for code in pairs(EQUALITY) do INDEX_KIND[code] = 1 end
for code in pairs(SLICED) do INDEX_KIND[code] = 2 end
for code in pairs(RANGE) do INDEX_KIND[code] = 3 end

-- A bit-sliced field's values over the batch (positions ks, numbers vs): one bitmap per bit. The
-- batch is in createdAt order, so instants sit close together and share their high bits: those are
-- written wholesale (the sessions that have the field, or nothing) and only the low bits are
-- taken apart per session.
local function sliceBatch(code, ks, vs, low, high, byteOf, bitOf, newBytes, first)
  local names = slicesOf(code)
  local present = newBytes()
  for i = 1, #ks do
    local k = ks[i]
    present[byteOf[k]] = present[byteOf[k]] + bitOf[k]
  end
  writeBits(names.e, present, first)
  -- p: the lowest bit from which every value agrees (min and max agree, so all between do).
  local p = 0
  while math.floor(low / POW2[p]) ~= math.floor(high / POW2[p]) do p = p + 1 end
  local shared = math.floor(low / POW2[p])
  for bitIndex = p, SLICED[code] - 1 do
    if shared % 2 == 1 then writeBits(names[bitIndex], present, first) end
    shared = math.floor(shared / 2)
  end
  if p == 0 then return end
  local slices, cut = {}, POW2[p]
  for i = 1, #ks do
    local k = ks[i]
    local byte, bit = byteOf[k], bitOf[k]
    local v, shift = vs[i] % cut, 0
    while v > 0 do
      local b = v % 256
      v = (v - b) / 256
      local positions = SET_BITS[b]
      for j = 1, #positions do
        local index = shift + positions[j]
        local bits = slices[index]
        if not bits then bits = newBytes(); slices[index] = bits end
        bits[byte] = bits[byte] + bit
      end
      shift = shift + 8
    end
  end
  for index, bits in pairs(slices) do writeBits(names[index], bits, first) end
end

-- What each field code's index is: 1 equality, 2 bit-sliced, 3 sorted set.
local INDEX_KIND = {}
for code in pairs(EQUALITY) do INDEX_KIND[code] = 1 end
for code in pairs(SLICED) do INDEX_KIND[code] = 2 end
for code in pairs(RANGE) do INDEX_KIND[code] = 3 end

-- sessions: { id, { code, value, … } } in ordinal order, ordinals first..first+#sessions-1, their
-- hashes already written; the pairs start with st, ca. Writes every list index entry of them.
local function indexNewSessions(sessions, first)
  local count = #sessions
  local byteOf, bitOf = batchGeometry(first, count)
  local span = byteOf[count]
  local records, orderArgs = {}, {}
  local greatest = redis.call('GET', indexKey('last')) or ''
  local late = nil
  local equal, sliced, ranges = {}, {}, {}
  -- Bytes over the whole batch, zero to start with.
  local function newBytes()
    local bytes = { lo = 1, hi = span }
    for b = 1, span do bytes[b] = 0 end
    return bytes
  end
  for k = 1, count do
    local sid, pairs = sessions[k][1], sessions[k][2]
    local n = tostring(first + k - 1)
    local hex = string.sub(sid, 6)
    local createdAt = pairs[4]
    local rec = string.rep('0', 13 - #createdAt) .. createdAt .. hex
    records[k] = rec
    local byte, bit = byteOf[k], bitOf[k]
    if rec > greatest then
      greatest = rec
    else
      late = late or { lo = byte }
      late[byte], late.hi = (late[byte] or 0) + bit, byte
    end
    orderArgs[2 * k - 1], orderArgs[2 * k] = createdAt, hex .. n
    for j = 1, #pairs, 2 do
      local code = pairs[j]
      local kind = INDEX_KIND[code]
      if kind == 1 then
        local value = pairs[j + 1]
        local values = equal[code]
        if not values then values = {}; equal[code] = values end
        local positions = values[value]
        if positions then positions[#positions + 1] = k else values[value] = { k } end
      elseif kind == 2 then
        local v = tonumber(pairs[j + 1]) or 0
        local field = sliced[code]
        if not field then
          sliced[code] = { ks = { k }, vs = { v }, low = v, high = v }
        else
          local i = #field.ks + 1
          field.ks[i], field.vs[i] = k, v
          if v < field.low then field.low = v elseif v > field.high then field.high = v end
        end
      elseif kind == 3 then
        local args = ranges[code]
        if not args then args = {}; ranges[code] = args end
        args[#args + 1] = pairs[j + 1]
        args[#args + 1] = n
      end
    end
  end
  redis.call('SETRANGE', indexKey('rec'), first * REC_WIDTH, table.concat(records))
  redis.call('SET', indexKey('last'), greatest)
  if late then writeBits(indexKey('late'), late, first) end
  redis.call('ZADD', indexKey('order'), unpack(orderArgs))
  for code, values in pairs(equal) do
    if COUNTER[code] then
      local seen = {}
      for value in pairs(values) do seen[#seen + 1] = value end
      redis.call('SADD', indexKey('vals:' .. code), unpack(seen))
    end
    for value, positions in pairs(values) do addValueBatch(code .. ':' .. value, positions, first, byteOf, bitOf) end
  end
  for code, field in pairs(sliced) do sliceBatch(code, field.ks, field.vs, field.low, field.high, byteOf, bitOf, newBytes, first) end
  for code, args in pairs(ranges) do redis.call('ZADD', indexKey('r:' .. code), unpack(args)) end
end
