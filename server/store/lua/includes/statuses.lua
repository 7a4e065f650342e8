-- What each status still allows (SPEC section 2); transitions and presence decide by these alone.
-- Payable: a payment can still be tried, so a shopper who leaves can still abandon it.
local PAYABLE = { active = true, failed = true }
local EXPIRABLE = { active = true, failed = true, abandoned = true }
