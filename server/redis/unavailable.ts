import { ReplyError } from 'ioredis';

/**
 * Redis could not answer: the command timed out, the connection is down or reconnecting, or a
 * Cluster shard is failing over. A state to report (503, retry shortly), not a bug.
 */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * Replies by which Redis itself says "not now": a shard without a master, a failover, a load; and
 * a redirection the Cluster client did not follow (seen for scripts in auto-pipelines while a
 * replica is being promoted), which is the same reconfiguration from the caller's side.
 */
const UNAVAILABLE_REPLIES = new Set(['CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN', 'LOADING', 'MOVED', 'ASK']);

/**
 * What a failed command means. Redis's own replies stay themselves (a script's error is a bug to
 * see), except the codes of an unavailable shard; every rejection the client raises without a
 * reply (timeout, closed connection, retries exhausted, no node for the slot) is unavailability.
 */
export function classifyCommandError(error: Error): Error {
  if (error instanceof RedisUnavailableError) return error;
  if (error instanceof ReplyError) {
    const [code = ''] = error.message.split(' ', 1);
    return UNAVAILABLE_REPLIES.has(code) ? new RedisUnavailableError(error) : error;
  }
  return new RedisUnavailableError(error);
}
