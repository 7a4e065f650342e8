import type { ChangeEvent } from '../../shared/change-event.js';
import type { RedisClient } from '../redis/connect.js';
import { keys, type TenantPrefix } from './keys.js';
import { decodePatch } from './session-codec.js';

/**
 * A stream entry as Redis returns it. Its fields, as lua/includes/emit.lua writes them:
 *   k   the event's kind (a timeline type: created, payment_failed, went_offline, …)
 *   s   the session id
 *   at  when, epoch ms (the transition's clock)
 *   p   the fields the transition wrote, JSON of storage codes (session-fields.ts) → value, a
 *       cleared field as false; imports write [code, value, …] pairs instead
 */
export type StreamEntry = [id: string, fields: string[]];

/** A notice of the tenant's feed channel: one appended event and the id of the entry before it. */
export interface FeedNotice {
  previousId: string;
  event: ChangeEvent;
}

/** The event boards receive, built from the stream's fields (patch: JSON of storage codes). */
function changeEvent(id: string, type: string, sessionId: string, at: string, patch: string): ChangeEvent {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(patch);
    // An object of fields; or [code, value, …] pairs (imports); cjson writes an empty table as [].
    if (Array.isArray(parsed)) {
      for (let i = 0; i + 1 < parsed.length; i += 2) raw[String(parsed[i])] = parsed[i + 1];
    } else if (parsed && typeof parsed === 'object') {
      raw = parsed as Record<string, unknown>;
    }
  } catch {
    raw = {};
  }
  return { id, type: type as ChangeEvent['type'], sessionId, at: new Date(Number(at)).toISOString(), changes: decodePatch(raw) as ChangeEvent['changes'] };
}

/** A stream entry as boards receive it: the patch decoded to the API's field names. */
export function toChangeEvent(entry: StreamEntry): ChangeEvent | undefined {
  const [id, fields] = entry;
  let sessionId: string | undefined;
  let type: string | undefined;
  let at: string | undefined;
  let patch: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]!;
    switch (fields[i]) {
      case 's': sessionId = value; break;
      case 'k': type = value; break;
      case 'at': at = value; break;
      case 'p': patch = value; break;
    }
  }
  if (!sessionId || !type) return undefined;
  return changeEvent(id, type, sessionId, at ?? '0', patch ?? '{}');
}

/** A notice as lua/includes/emit.lua publishes it: id, previous id, kind, session, at, patch, one a line. */
export function parseFeedNotice(message: string): FeedNotice | undefined {
  const parts = message.split('\n', 5);
  if (parts.length < 5) return undefined;
  const [id, previousId, type, sessionId, at] = parts as [string, string, string, string, string];
  // The patch is the rest: JSON, which never holds a raw newline.
  let offset = 0;
  for (const part of parts) offset += part.length + 1;
  return { previousId, event: changeEvent(id, type, sessionId, at, message.slice(offset) || '{}') };
}

/** The entries' events, oldest first; an entry of a kind this node does not know is left out. */
function toChangeEvents(entries: readonly StreamEntry[]): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  for (const entry of entries) {
    const event = toChangeEvent(entry);
    if (event) events.push(event);
  }
  return events;
}

/**
 * Events strictly after `afterId` (up to `upTo` when given), oldest first, at most `count`;
 * `lastId`: the last entry read (undefined when none), where the next read starts.
 */
export async function readEventsAfter(redis: RedisClient, prefix: TenantPrefix, afterId: string, count: number, upTo = '+'): Promise<{ events: ChangeEvent[]; lastId: string | undefined }> {
  const entries = (await redis.xrange(keys.stream(prefix), `(${afterId}`, upTo, 'COUNT', count)) as StreamEntry[];
  return { events: toChangeEvents(entries), lastId: entries.at(-1)?.[0] };
}

/**
 * As readEventsAfter (without a bound), and whether the stream still holds `afterId` itself ('0-0'
 * always counts as held). A reader whose last event the stream no longer holds cannot tell what it
 * missed: the event was trimmed away, or written by a master that was then replaced before its
 * replica had it (a frozen master that woke to commands left in its sockets).
 */
export async function readEventsAfterHeld(redis: RedisClient, prefix: TenantPrefix, afterId: string, count: number): Promise<{ events: ChangeEvent[]; lastId: string | undefined; held: boolean }> {
  if (afterId === '0-0') return { ...await readEventsAfter(redis, prefix, afterId, count), held: true };
  const entries = (await redis.xrange(keys.stream(prefix), afterId, '+', 'COUNT', count + 1)) as StreamEntry[];
  if (entries[0]?.[0] !== afterId) return { events: [], lastId: undefined, held: false };
  const after = entries.slice(1);
  return { events: toChangeEvents(after), lastId: after.at(-1)?.[0], held: true };
}

/** The id of the tenant's newest event, '0-0' when it has none. */
export async function newestEventId(redis: RedisClient, prefix: TenantPrefix): Promise<string> {
  const last = (await redis.xrevrange(keys.stream(prefix), '+', '-', 'COUNT', 1)) as StreamEntry[];
  return last[0]?.[0] ?? '0-0';
}

/** The id of the tenant's oldest retained event, or undefined when the stream is empty. */
export async function oldestEventId(redis: RedisClient, prefix: TenantPrefix): Promise<string | undefined> {
  const first = (await redis.xrange(keys.stream(prefix), '-', '+', 'COUNT', 1)) as StreamEntry[];
  return first[0]?.[0];
}
