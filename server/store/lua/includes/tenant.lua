-- KEYS[1]: the tenant prefix every script receives first (e.g. cp:{t:acme:live}:); every key of
-- the tenant starts with it (keys.lua).
local P = KEYS[1]
