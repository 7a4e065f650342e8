-- createSession: a new active session, its indexes, its expiry timer and the `created` event.
--   KEYS[1]  tenant prefix          ARGV[1] now   ARGV[2] stream retention
--   ARGV[3]  session id
--   ARGV[4]  expiresAt (ms)
--   ARGV[5…] field code, value pairs given by the merchant
-- Returns the event id, or -3 when the id already exists.
--@include "context"
--@include "keys"
--@include "indexes"
--@include "emit"

local sid = ARGV[3]
local expiresAt = tonumber(ARGV[4])
local key = sessionKey(sid)
if redis.call('EXISTS', key) == 1 then return -3 end

local fields = { st = 'active', on = '0', rs = '0', fi = '1', rc = '0', step = '0', att = '0',
  ca = tostring(NOW), ua = tostring(NOW), ea = tostring(expiresAt) }
for i = 5, #ARGV, 2 do fields[ARGV[i]] = ARGV[i + 1] end

local flat = {}
for code, value in pairs(fields) do flat[#flat + 1] = code; flat[#flat + 1] = value end
redis.call('HSET', key, unpack(flat))
indexNewSession(sid, NOW, fields)
redis.call('ZADD', dueKey('expire'), expiresAt, sid)
scheduleAt(expiresAt)
return emit(sid, 'created', fields, nil)
