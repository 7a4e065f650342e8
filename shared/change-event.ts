import { z } from 'zod';
import { sessionId } from './ids.js';
import { checkoutSession, instant, timelineType, type CheckoutSession } from './session.js';

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

const GROUPS = ['customer', 'product', 'device'] as const;

/** Applies a change's fields onto a session: each is its new value; the nested groups and failure change member by member. */
export function applyChanges(base: Partial<CheckoutSession>, changes: ChangeEvent['changes']): Partial<CheckoutSession> {
  const next: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if ((GROUPS as readonly string[]).includes(name) && value && typeof value === 'object') {
      next[name] = { ...(base[name as (typeof GROUPS)[number]] ?? {}), ...value };
    } else if (name === 'failure' && value && typeof value === 'object') {
      next.failure = { ...(base.failure ?? {}), ...value };
    } else {
      next[name] = value;
    }
  }
  return next as Partial<CheckoutSession>;
}
