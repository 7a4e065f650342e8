import type { Redis } from 'ioredis';
import { applyChanges, type ChangeEvent } from '../../shared/change-event.js';
import type { IntegrationEvent } from '../../shared/events.js';
import type { Mode } from '../../shared/ids.js';
import { blankSession, type TimelineType } from '../../shared/session.js';
import { compareStreamIds } from '../../shared/stream-id.js';
import { toChangeEvent } from './change-stream.js';
import type { RedisClient } from '../redis/connect.js';
import { keys, tenantPrefix, type Tenant } from './keys.js';

/** Events whose data is the whole session rather than the fields they changed. */
const WHOLE_SESSION = new Set<string>(['created', 'imported']);

/**
 * A change as integrators receive it, from the feed and from webhooks alike. A session's first
 * event carries the whole session: the fields its script wrote over a new session's defaults.
 */
export function toIntegrationEvent(change: ChangeEvent, mode: Mode): IntegrationEvent {
  const data = WHOLE_SESSION.has(change.type) ? applyChanges(blankSession(change.sessionId, mode), change.changes) : change.changes;
  return { id: change.id, object: 'event', type: change.type, sessionId: change.sessionId, createdAt: change.at, data };
}

export interface EventsPage {
  events: IntegrationEvent[];
  hasMore: boolean;
}

export interface EventsFilter {
  after?: string;
  limit: number;
  types?: readonly TimelineType[];
  sessionId?: string;
}

/** Entries read per XRANGE while filtering: the stream is capped, so a scan ends. */
const SCAN_BATCH = 500;

type StreamEntry = [id: string, fields: string[]];

/** Reads the tenant's change stream as the event feed: in order, strictly after a given id. */
export class EventsStore {
  constructor(private readonly redis: RedisClient) {}

  /** A page of events, or `gone` when `after` is older than the oldest kept event and some were trimmed. */
  async read(tenant: Tenant, filter: EventsFilter): Promise<EventsPage | 'gone'> {
    const key = keys.stream(tenantPrefix(tenant));
    const filtered = filter.types !== undefined || filter.sessionId !== undefined;
    const types = filter.types ? new Set<string>(filter.types) : undefined;
    const matched: IntegrationEvent[] = [];
    let from = filter.after === undefined ? '-' : `(${filter.after}`;
    for (;;) {
      const count = filtered ? SCAN_BATCH : filter.limit + 1 - matched.length;
      const entries = (await (this.redis as Redis).xrange(key, from, '+', 'COUNT', count)) as StreamEntry[];
      for (const entry of entries) {
        const change = toChangeEvent(entry);
        if (!change) continue;
        if (types && !types.has(change.type)) continue;
        if (filter.sessionId !== undefined && change.sessionId !== filter.sessionId) continue;
        matched.push(toIntegrationEvent(change, tenant.mode));
        if (matched.length > filter.limit) break;
      }
      if (matched.length > filter.limit || entries.length < count) break;
      from = `(${entries.at(-1)![0]}`;
    }
    // Checked after reading: a trim racing the read can only make this answer 410, never drop an event silently.
    if (filter.after !== undefined && await this.trimmedPast(key, filter.after)) return 'gone';
    return { events: matched.slice(0, filter.limit), hasMore: matched.length > filter.limit };
  }

  /** True when events after `after` were trimmed: the stream dropped entries and its oldest kept one is later. */
  private async trimmedPast(key: string, after: string): Promise<boolean> {
    let info: unknown[];
    try {
      info = (await (this.redis as Redis).xinfo('STREAM', key)) as unknown[];
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return false;
      throw error;
    }
    const field = (name: string) => info[info.indexOf(name) + 1];
    const length = Number(field('length'));
    const added = Number(field('entries-added'));
    const first = field('first-entry') as StreamEntry | null;
    if (added <= length) return false;
    // Everything was trimmed: anything before the last id given out is gone.
    if (!first) return compareStreamIds(after, String(field('last-generated-id'))) < 0;
    return compareStreamIds(after, first[0]) < 0;
  }
}
