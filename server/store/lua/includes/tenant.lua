-- KEYS[1]: the tenant prefix every script receives first (e.g. cp:{t:acme:live}:); every key of
-- the tenant starts with it (keys.lua).
local P = KEYS[1]

-- What the includes remember of the tenant during a run (key names, an index's shape, the stream's
-- newest id), in tables made by tenantMemo: a script that serves several tenants of its shard in
-- one call (tenant-groups.lua) moves from one to the next with useTenant, which empties them.
local tenantMemos = {}
local function tenantMemo()
  local memo = {}
  tenantMemos[#tenantMemos + 1] = memo
  return memo
end
local function useTenant(prefix)
  if prefix == P then return end
  P = prefix
  for _, memo in ipairs(tenantMemos) do
    for key in pairs(memo) do memo[key] = nil end
  end
end
