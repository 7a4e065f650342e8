import type { RedisClient } from '../redis/connect.js';
import { keys } from './keys.js';
import { publishRevocation } from './revocations.js';
import { sha256 } from './secrets.js';

/**
 * Board sign-outs, on the server: a signed-out cookie is remembered (by its SHA-256) until it would
 * have expired anyway, so a copy of it stops working too, and every node ends the sockets it opened.
 */
export async function signOutBoardCookie(redis: RedisClient, cookie: string, expiresAt: number, now: number): Promise<void> {
  const digest = sha256(cookie);
  await redis.set(keys.boardSignOut(digest), '1', 'PX', Math.max(1, expiresAt - now));
  await publishRevocation(redis, digest);
}

export async function isSignedOut(redis: RedisClient, cookie: string): Promise<boolean> {
  return (await redis.exists(keys.boardSignOut(sha256(cookie)))) === 1;
}
