import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/connect.js';
import { keys } from './keys.js';

/**
 * Revocation notices: when an API key or board token is revoked, or a board signs out, the digest
 * of that credential (or of the signed-out cookie) is published on one global channel. Every node
 * listens, drops what it may have cached for it, and ends the open sockets it opened. A notice can
 * be lost (a subscriber reconnecting); listeners then get a resync and check everything they hold.
 */
export async function publishRevocation(redis: RedisClient, digest: string): Promise<void> {
  await redis.publish(keys.revocations, digest);
}

export type RevocationListener = (digest: string) => void;

export interface RevocationNotices {
  /** Calls `listener` with each revoked digest; returns the unsubscribe. */
  subscribe(listener: RevocationListener): () => void;
  /** Calls `listener` after notices may have been lost (the subscriber reconnected). */
  onResync(listener: () => void): () => void;
  /** Resolves once the subscription is in place: notices published from then on arrive. */
  ready(): Promise<void>;
  close(): void;
}

/** SHA-256 digests as store/secrets.ts writes them (base64url). */
const DIGEST = /^[A-Za-z0-9_-]{43}$/;

/** One subscriber connection per node (a duplicate of the command connection's settings). */
export function createRevocationNotices(redis: RedisClient): RevocationNotices {
  const subscriber: RedisClient = redis instanceof Cluster ? redis.duplicate() : redis.duplicate();
  const listeners = new Set<RevocationListener>();
  const resyncs = new Set<() => void>();
  let connectedOnce = false;
  subscriber.on('error', () => undefined);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.revocations || !DIGEST.test(message)) return;
    for (const listener of listeners) listener(message);
  });
  // ioredis subscribes again by itself after a reconnect; what was published meanwhile is lost.
  subscriber.on('ready', () => {
    if (connectedOnce) for (const listener of resyncs) listener();
    connectedOnce = true;
  });
  const subscribed = subscriber.subscribe(keys.revocations).then(() => undefined);
  subscribed.catch(() => undefined);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onResync(listener) {
      resyncs.add(listener);
      return () => resyncs.delete(listener);
    },
    ready: () => subscribed,
    close() {
      listeners.clear();
      resyncs.clear();
      subscriber.disconnect();
    },
  };
}
