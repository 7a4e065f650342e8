import { z } from 'zod';
import { sessionId } from './ids.js';
import { checkoutSession, instant, timelineType } from './session.js';

/**
 * One entry of a tenant's change stream as boards receive it. `id` is the stream id: strictly
 * increasing, so a board resumes from the last one it applied. `changes` holds the fields the
 * transition wrote (the whole session for `created`).
 */
export const changeEvent = z.object({
  id: z.string().regex(/^\d+-\d+$/),
  type: timelineType,
  sessionId,
  at: instant,
  changes: checkoutSession.partial(),
}).meta({ id: 'ChangeEvent' });
export type ChangeEvent = z.infer<typeof changeEvent>;
