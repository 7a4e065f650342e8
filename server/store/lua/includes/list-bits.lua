-- Reading the list indexes (see indexes.lua): a session's record by ordinal, and the set bits of an
-- ordinal bitmap in either direction.
--@include "indexes"
local REC_KEY = indexKey('rec')

-- Ordinal n's record: createdAt (13 digits) .. id hex, its place in the list order.
local function record(n)
  local start = n * REC_WIDTH
  return redis.call('GETRANGE', REC_KEY, start, start + REC_WIDTH - 1)
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
            if bit.band(v, bit.lshift(1, 7 - b)) ~= 0 and visit(base + b) == false then return end
          end
        end
      end
    end
    hi = lo - 1
  end
end
