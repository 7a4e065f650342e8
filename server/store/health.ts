import type { RedisClient } from '../redis/connect.js';

/** Whether the store can serve: Redis answers a round trip. */
export class StoreHealth {
  constructor(private readonly redis: RedisClient) {}

  /** Resolves once Redis answered; rejects when it cannot be reached. */
  async check(): Promise<void> {
    await this.redis.ping();
  }
}
