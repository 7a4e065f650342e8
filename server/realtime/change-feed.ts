import type { ChangeEvent } from '../../shared/change-event.js';
import { compareStreamIds } from '../../shared/stream-id.js';
import type { Logger } from '../log.js';
import type { RedisClient } from '../redis/connect.js';
import { keys, tenantFromPrefix, type TenantPrefix } from '../store/keys.js';
import { decodePatch } from '../store/session-codec.js';

export type ChangeListener = (events: readonly ChangeEvent[]) => void;

/** Reads each tenant's change stream once per node and fans it out to this node's listeners. */
export interface ChangeFeed {
  /**
   * Delivers, in order and without gaps, every event after `fromId` (or from now when absent).
   * Returns the unsubscribe function.
   */
  subscribe(prefix: TenantPrefix, listener: ChangeListener, fromId?: string): () => void;
  close(): Promise<void>;
}

type StreamEntry = [id: string, fields: string[]];

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
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(patch ?? '{}');
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

interface Subscriber {
  listener: ChangeListener;
  /** Last id this subscriber has seen; only later events reach it. */
  cursor: string;
  /** Live events held while the subscriber catches up from an older id. */
  held?: ChangeEvent[];
}

interface TenantReader {
  prefix: TenantPrefix;
  cursor: string;
  /** Settles once `cursor` is a real id (a reader started "from now" pins it first). */
  pinned: Promise<void>;
  subscribers: Set<Subscriber>;
  connection: RedisClient;
  stopped: boolean;
}

const BLOCK_MS = 1_000;
const BATCH = 1_000;

/**
 * One blocking reader per tenant that has listeners on this node (a tenant's stream lives in one
 * Cluster slot, so each reader's XREAD stays single-slot). Listeners join at any id: older events
 * are fetched with XRANGE and delivered before the live ones, so a listener never misses one.
 */
export function createChangeFeed(options: { redis: () => RedisClient; commands: RedisClient; logger: Logger }): ChangeFeed {
  const readers = new Map<TenantPrefix, TenantReader>();

  function deliver(subscriber: Subscriber, events: readonly ChangeEvent[]): void {
    // Usually every event is new to the subscriber: then the batch goes on as it is.
    const fresh = events.length > 0 && compareStreamIds(events[0]!.id, subscriber.cursor) > 0
      ? events
      : events.filter((e) => compareStreamIds(e.id, subscriber.cursor) > 0);
    if (fresh.length === 0) return;
    if (subscriber.held) {
      subscriber.held.push(...fresh);
      return;
    }
    subscriber.cursor = fresh.at(-1)!.id;
    try {
      subscriber.listener(fresh);
    } catch (error) {
      options.logger.warn({ err: error }, 'change listener failed');
    }
  }

  async function run(reader: TenantReader): Promise<void> {
    const stream = keys.stream(reader.prefix);
    while (!reader.stopped) {
      try {
        const reply = (await reader.connection.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', stream, reader.cursor)) as Array<[string, StreamEntry[]]> | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        reader.cursor = entries.at(-1)![0];
        const events = entries.map(toChangeEvent).filter((e): e is ChangeEvent => e !== undefined);
        for (const subscriber of reader.subscribers) deliver(subscriber, events);
      } catch (error) {
        if (reader.stopped) break;
        options.logger.warn({ err: error, tenant: tenantFromPrefix(reader.prefix) }, 'change feed read failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    reader.connection.disconnect();
  }

  async function currentId(prefix: TenantPrefix): Promise<string> {
    const last = (await options.commands.xrevrange(keys.stream(prefix), '+', '-', 'COUNT', 1)) as StreamEntry[];
    return last[0]?.[0] ?? '0-0';
  }

  async function catchUp(prefix: TenantPrefix, subscriber: Subscriber, upTo: string): Promise<void> {
    let from = subscriber.cursor;
    try {
      while (compareStreamIds(from, upTo) < 0) {
        const entries = (await options.commands.xrange(keys.stream(prefix), `(${from}`, upTo, 'COUNT', BATCH)) as StreamEntry[];
        if (entries.length === 0) break;
        from = entries.at(-1)![0];
        const events = entries.map(toChangeEvent).filter((e): e is ChangeEvent => e !== undefined);
        const held = subscriber.held;
        subscriber.held = undefined;
        deliver(subscriber, events);
        subscriber.held = held;
      }
    } finally {
      const held = subscriber.held ?? [];
      subscriber.held = undefined;
      deliver(subscriber, held);
    }
  }

  return {
    subscribe(prefix, listener, fromId) {
      const subscriber: Subscriber = { listener, cursor: fromId ?? '$' };
      let reader = readers.get(prefix);
      if (!reader) {
        const started: TenantReader = { prefix, cursor: fromId ?? '$', pinned: Promise.resolve(), subscribers: new Set(), connection: options.redis(), stopped: false };
        reader = started;
        readers.set(prefix, started);
        // '$' would lose events appended while the first XREAD is on its way: pin the id first.
        started.pinned = fromId !== undefined ? Promise.resolve() : currentId(prefix).then((id) => {
          if (started.cursor === '$') started.cursor = id;
        }, () => {
          // Redis is away: stream ids are milliseconds, so "now" is where new events will start.
          if (started.cursor === '$') started.cursor = `${Date.now()}-0`;
        });
        void started.pinned.then(() => run(started));
      }
      const owner = reader;
      if (fromId === undefined || owner.cursor === '$') {
        // Join where the reader is once it knows where that is; hold what arrives meanwhile.
        subscriber.held = [];
        void owner.pinned.then(() => {
          if (subscriber.cursor === '$') subscriber.cursor = owner.cursor;
          else if (compareStreamIds(subscriber.cursor, owner.cursor) < 0) return catchUp(prefix, subscriber, owner.cursor);
          const held = subscriber.held ?? [];
          subscriber.held = undefined;
          deliver(subscriber, held);
          return undefined;
        });
      } else if (compareStreamIds(fromId, owner.cursor) < 0) {
        subscriber.held = [];
        void catchUp(prefix, subscriber, owner.cursor);
      }
      owner.subscribers.add(subscriber);
      return () => {
        owner.subscribers.delete(subscriber);
        if (owner.subscribers.size === 0 && readers.get(prefix) === owner) {
          owner.stopped = true;
          readers.delete(prefix);
        }
      };
    },
    async close() {
      for (const reader of readers.values()) {
        reader.stopped = true;
        reader.connection.disconnect();
      }
      readers.clear();
    },
  };
}
