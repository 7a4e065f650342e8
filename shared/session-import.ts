import { z } from 'zod';
import { mode } from './ids.js';
import { metadataInput } from './metadata.js';
import { checkoutSession, timelineEntry } from './session.js';

/**
 * One line of an import (`checkout-pulse sessions import`, NDJSON): a session as the API returns it,
 * so a listing exported elsewhere imports as it is. Presence is live only: `online` is accepted and
 * ignored (imported sessions are offline until a page connects). `timeline` is its history; the
 * import adds an `imported` entry of its own.
 */
export const importedSession = checkoutSession
  .omit({ object: true, domainAmbient: true, online: true })
  .extend({
    object: z.literal('checkout.session').optional(),
    domainAmbient: mode.optional(),
    online: z.boolean().optional(),
    metadata: metadataInput.optional(),
    timeline: z.array(timelineEntry).max(1_000).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const at = (value: string | null) => (value === null ? null : Date.parse(value));
    const created = at(s.createdAt)!;
    if (at(s.updatedAt)! < created) ctx.addIssue({ code: 'custom', path: ['updatedAt'], message: 'must not be before createdAt' });
    if (at(s.expiresAt)! < created) ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must not be before createdAt' });
    if (s.status === 'completed' && s.completedAt === null) ctx.addIssue({ code: 'custom', path: ['completedAt'], message: 'is required for a completed session' });
    if (s.status === 'abandoned' && s.abandonedAt === null) ctx.addIssue({ code: 'custom', path: ['abandonedAt'], message: 'is required for an abandoned session' });
  })
  .meta({ id: 'ImportedSession' });
export type ImportedSession = z.infer<typeof importedSession>;
