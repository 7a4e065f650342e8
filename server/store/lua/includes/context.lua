-- Shared arguments every transition script receives first.
--   KEYS[1]  tenant prefix, e.g. cp:{t:acme:live}:
--   ARGV[1]  now, epoch milliseconds (the caller's clock, so tests drive time)
--   ARGV[2]  change-stream retention (approximate MAXLEN)
-- Script-specific arguments start at ARGV[3].
local P = KEYS[1]
local NOW = tonumber(ARGV[1])
-- The same instant as given: passed on to commands as it is, not formatted again from a number.
local NOW_TEXT = ARGV[1]
local STREAM_MAXLEN = ARGV[2]
