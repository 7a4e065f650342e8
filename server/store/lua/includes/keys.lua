-- Mirror of server/store/keys.ts for keys built inside scripts (all under the tenant prefix P).
--@include "tenant"
local function sessionKey(sid) return P .. 's:' .. sid end
local function timelineKey(sid) return P .. 'tl:' .. sid end
local function connectionsKey(sid) return P .. 'c:' .. sid end
local function releasedKey(sid) return P .. 'rel:' .. sid end
local function leasesKey() return P .. 'leases' end
local function dueKey(kind) return P .. 'due:' .. kind end
local function streamKey() return P .. 'events' end
local function indexKey(name) return P .. 'i:' .. name end
-- Sharded pub/sub channel of the tenant's change notices (hash-tagged: its slot is the tenant's).
local function feedChannel() return P .. 'feed' end
local function webhookEndpointsKey() return P .. 'wh:ep' end
local function webhookRoutesKey() return P .. 'wh:routes' end
local function webhookLastDeliveredKey() return P .. 'wh:ok' end
local function webhookDueKey() return P .. 'wh:due' end
local function webhookDeliveryKey(id) return P .. 'wh:d:' .. id end
local function webhookAttemptsKey(ep) return P .. 'wh:log:' .. ep end
-- Recovery links already used (by the link's digest), and recovery mails sent per session.
local function recoveryUsedKey(digest) return P .. 'rcv:' .. digest end
local function recoveryMailKey(sid) return P .. 'rm:' .. sid end
