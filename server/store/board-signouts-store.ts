import type { Clock } from '../clock.js';
import type { RedisClient } from '../redis/connect.js';
import { keys } from './keys.js';
import { publishRevocation } from './revocations.js';
import { sha256 } from './secrets.js';

/**
 * Board sign-outs, on the server: a signed-out cookie is remembered (by its SHA-256) until it would
 * have expired anyway, so a copy of it stops working too, and every node ends the sockets it opened.
 */
export class BoardSignOutStore {
  constructor(private readonly redis: RedisClient, private readonly clock: Clock) {}

  async signOut(cookie: string, expiresAt: number): Promise<void> {
    const digest = sha256(cookie);
    await this.redis.set(keys.boardSignOut(digest), '1', 'PX', Math.max(1, expiresAt - this.clock.now()));
    await publishRevocation(this.redis, digest);
  }

  async isSignedOut(cookie: string): Promise<boolean> {
    return (await this.redis.exists(keys.boardSignOut(sha256(cookie)))) === 1;
  }
}
