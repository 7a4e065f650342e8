import type { ChangeEvent } from '../../shared/change-event.js';
import { compareStreamIds } from '../../shared/stream-id.js';
import type { Logger } from '../log.js';
import type { RedisClient } from '../redis/connect.js';
import type { NoticeSubscriber } from '../redis/notice-subscriber.js';
import { newestEventId, parseFeedNotice, readEventsAfter, readEventsAfterHeld, type FeedNotice } from '../store/change-stream.js';
import { keys, tenantFromPrefix, type TenantPrefix } from '../store/keys.js';

export type ChangeListener = (events: readonly ChangeEvent[]) => void;

/** This node's one feed of the tenants' changes, fanned out to its listeners (boards, pages). */
export interface ChangeFeed {
  /**
   * Delivers, in order and without gaps, every event after `fromId` (or from now when absent).
   * Should the feed find that it delivered an event the stream no longer holds (see `lost`), it
   * calls `lost` and goes on from the stream's newest event: the listener must start again from
   * the state Redis holds now (a board, from a snapshot). Returns the unsubscribe function.
   */
  subscribe(prefix: TenantPrefix, listener: ChangeListener, fromId?: string, lost?: () => void): () => void;
  /** Tenants this node follows now. */
  readonly tenantCount: number;
  close(): Promise<void>;
}

/** What the feed tells about its own health (server/feed/feed-metrics.ts turns it into metrics). */
export interface FeedObserver {
  /** Events delivered to a tenant's listeners as they happen (not a late listener's catch-up). */
  delivered(events: readonly ChangeEvent[]): void;
  /** A gap in the notices (a lost notice, a resubscription) filled with events read from the stream. */
  gapFilled(): void;
}

interface Subscriber {
  listener: ChangeListener;
  lost?: () => void;
  /** Last id this subscriber has seen; only later events reach it. */
  cursor: string;
  /** Events held while the subscriber catches up from an older id. */
  held?: ChangeEvent[];
}

interface TenantFeed {
  prefix: TenantPrefix;
  channel: string;
  /** The last event delivered to this tenant's subscribers; undefined until pinned to the stream's end. */
  cursor: string | undefined;
  /** Settles once `cursor` is known. */
  pinned: Promise<void>;
  subscribers: Set<Subscriber>;
  /** Notices received and not yet applied, in arrival order (which is stream order). */
  inbox: FeedNotice[];
  /** Reading a gap from the stream; notices wait in the inbox meanwhile. */
  filling: boolean;
  closed: boolean;
}

const FILL_BATCH = 1_000;
const RETRY_MS = 500;

/**
 * One feed per node, whatever the number of tenants: every transition publishes a notice (the
 * event and the id before it) on its tenant's sharded channel, and the node subscribes, over one
 * connection per shard, to the channels of the tenants it has listeners for. A notice whose
 * predecessor is the last event delivered is applied as it is, without reading Redis; any other
 * (a lost notice, a reconnect) is filled from the stream, which stays the record of truth. A
 * tenant with nothing happening costs no command.
 */
export function createChangeFeed(options: { subscriber: NoticeSubscriber; commands: RedisClient; logger: Logger; observer?: FeedObserver }): ChangeFeed {
  const { subscriber: notices, commands, logger, observer } = options;
  const feeds = new Map<TenantPrefix, TenantFeed>();
  const byChannel = new Map<string, TenantFeed>();
  const dirty = new Set<TenantFeed>();
  let flushScheduled = false;

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
      logger.warn({ err: error }, 'change listener failed');
    }
  }

  function publish(feed: TenantFeed, events: readonly ChangeEvent[]): void {
    if (events.length === 0) return;
    for (const subscriber of feed.subscribers) deliver(subscriber, events);
    observer?.delivered(events);
  }

  /** Applies the inbox in order until it is empty or a notice reveals a gap, which is then filled. */
  function drain(feed: TenantFeed): void {
    if (feed.closed || feed.filling || feed.cursor === undefined) return;
    const applied: ChangeEvent[] = [];
    let taken = 0;
    for (; taken < feed.inbox.length; taken++) {
      const notice = feed.inbox[taken]!;
      if (compareStreamIds(notice.event.id, feed.cursor) <= 0) continue;
      if (notice.previousId !== feed.cursor) break;
      applied.push(notice.event);
      feed.cursor = notice.event.id;
    }
    feed.inbox = taken === feed.inbox.length ? [] : feed.inbox.slice(taken);
    publish(feed, applied);
    if (feed.inbox.length > 0) void fill(feed);
  }

  function flushDirty(): void {
    flushScheduled = false;
    const batch = [...dirty];
    dirty.clear();
    for (const feed of batch) drain(feed);
  }

  /** Reads everything after the feed's cursor from the stream, then goes back to notices. */
  async function fill(feed: TenantFeed): Promise<void> {
    if (feed.filling || feed.closed || feed.cursor === undefined) return;
    feed.filling = true;
    let filled = false;
    try {
      for (;;) {
        try {
          const { events, lastId, held } = await readEventsAfterHeld(commands, feed.prefix, feed.cursor, FILL_BATCH);
          if (feed.closed) return;
          if (!held) {
            await restart(feed);
            if (feed.closed) return;
            continue;
          }
          if (lastId === undefined) break;
          feed.cursor = lastId;
          if (!filled) observer?.gapFilled();
          filled = true;
          publish(feed, events);
          if (events.length < FILL_BATCH) break;
        } catch (error) {
          if (feed.closed) return;
          logger.warn({ err: error, tenant: tenantFromPrefix(feed.prefix) }, 'change feed read failed; retrying');
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    } finally {
      feed.filling = false;
    }
    drain(feed);
  }

  /**
   * The feed's last event is not in the stream: a master wrote and announced it, then was replaced
   * before its replica had it (or it was trimmed away); the events after it cannot be told apart.
   * Every listener starts again from the stream's newest event, and is told so.
   */
  async function restart(feed: TenantFeed): Promise<void> {
    const newest = await newestEventId(commands, feed.prefix);
    if (feed.closed) return;
    logger.warn({ tenant: tenantFromPrefix(feed.prefix), lastDelivered: feed.cursor, newest }, 'change feed lost continuity (an event it delivered is not in the stream); listeners start again');
    feed.cursor = newest;
    feed.inbox = feed.inbox.filter((notice) => compareStreamIds(notice.event.id, newest) > 0);
    for (const subscriber of feed.subscribers) {
      subscriber.cursor = newest;
      subscriber.held = undefined;
      try {
        subscriber.lost?.();
      } catch (error) {
        logger.warn({ err: error }, 'change listener failed');
      }
    }
  }

  notices.onMessage((channel, message) => {
    const feed = byChannel.get(channel);
    if (!feed) return;
    const notice = parseFeedNotice(message);
    if (!notice) return;
    feed.inbox.push(notice);
    dirty.add(feed);
    // Notices that arrive together go out together: one batch per listener per turn.
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushDirty);
    }
  });

  notices.onResubscribed(() => {
    for (const feed of feeds.values()) void fill(feed);
  });

  /**
   * Pins the cursor at the stream's end as it is now (when the first listener asked) and subscribes
   * to the tenant's channel; what is written between the two, before notices flow, is read from
   * the stream.
   */
  async function pin(feed: TenantFeed): Promise<void> {
    for (;;) {
      try {
        const [, newest] = await Promise.all([notices.subscribe(feed.channel), newestEventId(commands, feed.prefix)]);
        if (feed.closed) return;
        feed.cursor = newest;
        void fill(feed);
        return;
      } catch (error) {
        if (feed.closed) return;
        logger.warn({ err: error, tenant: tenantFromPrefix(feed.prefix) }, 'change feed subscription failed; retrying');
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  /** Brings a subscriber that joined at an older id up to `upTo`, then releases what it held. */
  async function catchUp(feed: TenantFeed, subscriber: Subscriber, upTo: string): Promise<void> {
    try {
      while (!feed.closed && compareStreamIds(subscriber.cursor, upTo) < 0) {
        const { events, lastId } = await readEventsAfter(commands, feed.prefix, subscriber.cursor, FILL_BATCH, upTo);
        if (lastId === undefined) break;
        const held = subscriber.held;
        subscriber.held = undefined;
        deliver(subscriber, events);
        subscriber.held = held;
        if (compareStreamIds(subscriber.cursor, lastId) < 0) subscriber.cursor = lastId;
      }
    } catch (error) {
      logger.warn({ err: error, tenant: tenantFromPrefix(feed.prefix) }, 'change feed catch-up failed');
    } finally {
      const held = subscriber.held ?? [];
      subscriber.held = undefined;
      deliver(subscriber, held);
    }
  }

  function feedOf(prefix: TenantPrefix): TenantFeed {
    let feed = feeds.get(prefix);
    if (!feed) {
      const created: TenantFeed = {
        prefix, channel: keys.feedChannel(prefix), cursor: undefined, pinned: Promise.resolve(),
        subscribers: new Set(), inbox: [], filling: false, closed: false,
      };
      created.pinned = pin(created);
      feeds.set(prefix, created);
      byChannel.set(created.channel, created);
      feed = created;
    }
    return feed;
  }

  return {
    subscribe(prefix, listener, fromId, lost) {
      const feed = feedOf(prefix);
      const subscriber: Subscriber = { listener, lost, cursor: fromId ?? '0-0' };
      if (feed.cursor !== undefined && (fromId === undefined || compareStreamIds(fromId, feed.cursor) >= 0)) {
        subscriber.cursor = fromId ?? feed.cursor;
      } else {
        // Join where the feed is once it knows where that is (or catch up from the older id first);
        // hold what arrives meanwhile.
        subscriber.held = [];
        void feed.pinned.then(() => {
          if (feed.closed || feed.cursor === undefined) return undefined;
          if (fromId === undefined) subscriber.cursor = feed.cursor;
          else if (compareStreamIds(fromId, feed.cursor) < 0) return catchUp(feed, subscriber, feed.cursor);
          const held = subscriber.held ?? [];
          subscriber.held = undefined;
          deliver(subscriber, held);
          return undefined;
        });
      }
      feed.subscribers.add(subscriber);
      return () => {
        feed.subscribers.delete(subscriber);
        if (feed.subscribers.size === 0 && feeds.get(prefix) === feed) {
          feed.closed = true;
          feeds.delete(prefix);
          byChannel.delete(feed.channel);
          dirty.delete(feed);
          notices.unsubscribe(feed.channel);
        }
      };
    },
    get tenantCount() {
      return feeds.size;
    },
    async close() {
      for (const feed of feeds.values()) feed.closed = true;
      feeds.clear();
      byChannel.clear();
      notices.close();
    },
  };
}
