import type { RedisClient } from './connect.js';

/** The commands connection's comings and goings, for parts that act when Redis is lost or back. */
export interface ConnectionEvents {
  /** Calls `listener` each time the connection is ready (its start, and after each outage); returns its removal. */
  onReady(listener: () => void): () => void;
  /** Calls `listener` each time the connection was lost and tries again; returns its removal. */
  onLost(listener: () => void): () => void;
}

export function connectionEvents(redis: RedisClient): ConnectionEvents {
  const on = (event: 'ready' | 'reconnecting', listener: () => void) => {
    redis.on(event, listener);
    return () => void redis.off(event, listener);
  };
  return {
    onReady: (listener) => on('ready', listener),
    onLost: (listener) => on('reconnecting', listener),
  };
}
