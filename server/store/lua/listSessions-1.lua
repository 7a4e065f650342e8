-- listSessions: one page of a tenant's sessions matching every filter, its exact total, read in
-- one atomic step (the page, the total and the rows all come from the same state).
--   KEYS[1]  tenant prefix
--   ARGV[1]  the plan input as JSON: {o offset, l limit, d 1 descending, id session id,
--            eq [[code, value]…], any [[code, [value…]]…] (any value matches), ct [[counter code, min, max]…], rg [[range code, min, max]…],
--            ca [min, max]} (bounds inclusive; null or false means open)
-- Returns {total, newest createdAt or false, strategy, id1, hash1, id2, hash2, …}.
-- Writes nothing that outlives it or leaves the primary: see list-scratch.
--
-- The planner: every filter is a source of ordinals with an exact count (BITCOUNT, SCARD, ZCOUNT).
--   rank          no filter but createdAt: i:order by rank, O(log N) at any offset
--   ordinal-walk  every filter a bitmap: AND them (C speed, exact total), read the page off the
--                 result in ordinal order (= list order but for late sessions, merged in); a
--                 createdAt range is an ordinal window, offsets skip by BITCOUNT of stretches
--   enum          a small source (a rare id, a small set): test the rest on each member, sort
--   walk / range  a dense lone source, or a createdAt range with non-bitmap filters: walk i:order
--   bitmap-walk / bitmap-enum  the bitmap path when most matches were created late
--@include "list-strategy"

local spec = cjson.decode(ARGV[1])
return withScratch(function() return answerList(spec) end)
