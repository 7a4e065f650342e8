import { Cluster, Redis } from 'ioredis';
import type { ConnectOptions } from './connect.js';
import { connectRedis } from './connect.js';

/**
 * One node's subscriber of sharded pub/sub channels: a single connection on one Redis, one per
 * shard on a Cluster (ioredis routes each channel to the shard of its slot), however many
 * channels it holds.
 */
export interface NoticeSubscriber {
  /** Resolves once Redis confirmed the subscription: notices published from then on arrive. */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): void;
  /** Every message of every channel. */
  onMessage(listener: (channel: string, message: string) => void): void;
  /**
   * After the connection (or a shard's) came back and subscriptions are in place again: notices
   * published meanwhile were lost, so the caller reads what it missed.
   */
  onResubscribed(listener: () => void): void;
  close(): void;
}

export function createNoticeSubscriber(options: ConnectOptions): NoticeSubscriber {
  const client = connectRedis({ ...options, autoPipelining: false, shardedSubscribers: true });
  const channels = new Set<string>();
  const resubscribed: Array<() => void> = [];
  let lost = false;

  const announce = () => {
    for (const listener of resubscribed) listener();
  };
  if (client instanceof Cluster) {
    // A shard's subscriber came back (a kill, a failover): the group subscribes its channels again.
    client.on('+subscriber', () => setTimeout(announce, 0));
  } else {
    client.on('close', () => {
      lost = true;
    });
    client.on('ready', () => {
      if (!lost) return;
      lost = false;
      // Subscribe again ourselves: the reply tells when notices flow, and then what was missed is read.
      const all = [...channels];
      const again = all.length > 0 ? (client as Redis).ssubscribe(...all) : Promise.resolve(0);
      void again.then(announce, announce);
    });
  }
  client.on('error', () => {
    // Reconnects by itself; the feed reads what it missed once resubscribed.
  });

  return {
    async subscribe(channel) {
      channels.add(channel);
      await client.ssubscribe(channel);
    },
    unsubscribe(channel) {
      channels.delete(channel);
      void client.sunsubscribe(channel).catch(() => undefined);
    },
    onMessage(listener) {
      client.on('smessage', listener);
    },
    onResubscribed(listener) {
      resubscribed.push(listener);
    },
    close() {
      channels.clear();
      client.disconnect();
    },
  };
}
