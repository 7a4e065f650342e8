import { z } from 'zod';
import { mode, sessionId } from './ids.js';
import { documentedAs, integerWire } from './query-params.js';
import { checkoutSession, instant, timelineType, TIMELINE_TYPES, type TimelineType } from './session.js';

/**
 * The event feed and webhook deliveries (SPEC section 9): every change of the tenant's stream as an
 * integrator sees it. `id` is the stream id (strictly increasing; receivers dedupe by it), `data`
 * the fields the change wrote (the whole session on `created`).
 */
export const STREAM_ID_PATTERN = /^\d{1,15}-\d{1,15}$/;
export const streamId = z.string().regex(STREAM_ID_PATTERN, 'must be an event id such as 1767225600000-0');

export const integrationEvent = z.object({
  id: streamId,
  object: z.literal('event'),
  type: timelineType,
  sessionId,
  createdAt: instant,
  data: checkoutSession.partial(),
}).meta({ id: 'Event' });
export type IntegrationEvent = z.infer<typeof integrationEvent>;

export const MAX_EVENTS_LIMIT = 100;
export const DEFAULT_EVENTS_LIMIT = 20;

/**
 * `type=payment_failed,abandoned`: one or more event types, comma-separated as documented; the same
 * parameter repeated (what generated clients send by default for an array) is read the same way.
 */
export const eventTypesParam = documentedAs(z.union([z.string(), z.array(z.string())]).transform((raw, ctx) => {
  const list = (Array.isArray(raw) ? raw.join(',') : raw).split(',');
  if (!list.every((type) => (TIMELINE_TYPES as readonly string[]).includes(type))) {
    ctx.addIssue({ code: 'custom', message: `each type must be one of ${TIMELINE_TYPES.join(', ')}` });
    return z.NEVER;
  }
  return [...new Set(list)] as TimelineType[];
}), { type: 'array', items: { type: 'string', enum: [...TIMELINE_TYPES] }, minItems: 1 });

const limitParam = documentedAs(z.string()
  .regex(/^\d{1,4}$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(MAX_EVENTS_LIMIT, `must be at most ${MAX_EVENTS_LIMIT}`)), integerWire(1, MAX_EVENTS_LIMIT));

/** Query of `GET /v1/events`. */
export const listEventsQuery = z.strictObject({
  after: streamId.optional().meta({ description: 'Only events after this id (default: from the oldest kept). Older than the kept log: 410.' }),
  limit: limitParam.optional().meta({ description: `Maximum number of events (1-${MAX_EVENTS_LIMIT}, default ${DEFAULT_EVENTS_LIMIT})` }),
  type: eventTypesParam.optional().meta({ description: 'Only these event types, comma-separated', param: { style: 'form', explode: false } }),
  sessionId: sessionId.optional().meta({ description: 'Only the events of this session' }),
  domainAmbient: mode.optional().meta({ description: 'The mode of the data (a live key may read test data)' }),
});
export type ListEventsQuery = z.output<typeof listEventsQuery>;

export const eventList = z.object({
  data: z.array(integrationEvent),
  hasMore: z.boolean(),
}).meta({ id: 'EventList' });
export type EventList = z.infer<typeof eventList>;
