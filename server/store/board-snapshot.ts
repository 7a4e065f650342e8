import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CheckoutSession } from '../../shared/session.js';
import { keys, tenantPrefix, type Tenant } from './keys.js';
import { decodeSession, type SessionHash } from './session-codec.js';
import { transition, type StoreContext } from './store-context.js';

export interface BoardSnapshot {
  /** The last event the sessions include; events after it follow the snapshot. */
  lastEventId: string;
  /** The oldest event still retained: a board whose last id is older needs a fresh snapshot. */
  firstEventId: string;
  sessions: CheckoutSession[];
  /** Sessions the tenant has in all: more than `sessions` holds when the snapshot was capped. */
  total: number;
}

/** Sessions read per round trip: short enough that heartbeats and other boards' events interleave. */
const READ_BATCH = 250;

/**
 * The newest sessions of a tenant, newest first, consistent with the change stream: the ids and
 * stream id atomically (boardSnapshot), then the sessions in batches, yielding between them.
 */
export async function readBoardSnapshot(ctx: StoreContext, tenant: Tenant, limit: number): Promise<BoardSnapshot> {
  const prefix = tenantPrefix(tenant);
  const [lastEventId, firstEventId, total, ...ids] = (await transition(ctx, 'boardSnapshot', prefix, [limit])) as [string, string, number, ...string[]];
  const sessions: CheckoutSession[] = [];
  for (let from = 0; from < ids.length; from += READ_BATCH) {
    const batch = ids.slice(from, from + READ_BATCH);
    const pipeline = ctx.redis.pipeline();
    for (const id of batch) pipeline.hgetall(keys.session(prefix, id));
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, hash], i) => {
      if (error) throw error;
      // Deleted since the ids were read: its deletion follows as an event.
      if ((hash as SessionHash).st !== undefined) sessions.push(decodeSession(batch[i]!, tenant.mode, hash as SessionHash));
    });
    await yieldToLoop();
  }
  return { lastEventId, firstEventId, sessions, total };
}
