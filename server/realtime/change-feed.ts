import type { ChangeEvent } from '../../shared/change-event.js';
import type { Logger } from '../log.js';
import type { RedisClient } from '../redis/connect.js';
import type { TenantPrefix } from '../store/keys.js';

export type ChangeListener = (events: readonly ChangeEvent[]) => void;

/** Reads each tenant's change stream once per node and fans it out to this node's listeners. */
export interface ChangeFeed {
  /** Delivers, in order, every event appended to the tenant's stream from now on. */
  subscribe(prefix: TenantPrefix, listener: ChangeListener): () => void;
  close(): Promise<void>;
}

export function createChangeFeed(_options: { redis: () => RedisClient; logger: Logger }): ChangeFeed {
  return {
    subscribe: () => () => undefined,
    close: () => Promise.resolve(),
  };
}
