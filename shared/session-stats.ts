import { z } from 'zod';
import { mode } from './ids.js';
import { instant } from './session.js';

/** Query of `GET /v1/checkouts/stats`: `since` starts "today" (the caller's midnight; UTC's by default). */
export const sessionStatsQuery = z.strictObject({
  domainAmbient: mode.optional(),
  since: instant.optional().meta({ description: 'Start of the day the *Today counts cover; UTC midnight when absent' }),
});
export type SessionStatsQuery = z.infer<typeof sessionStatsQuery>;

const count = z.int().nonnegative();

/** Exact counts over every session of the tenant, from the list indexes. */
export const sessionStats = z.object({
  online: count,
  open: count,
  failedLastHour: count,
  abandonedToday: count,
  expiredToday: count,
  succeededToday: count,
  createdToday: count,
  total: count,
  since: instant,
  asOf: instant,
}).meta({ id: 'SessionStats' });
export type SessionStats = z.infer<typeof sessionStats>;

/** One point of the online history: sessions online during that minute (sampled once in it). */
export const onlinePoint = z.object({ at: instant, online: count });
export type OnlinePoint = z.infer<typeof onlinePoint>;
