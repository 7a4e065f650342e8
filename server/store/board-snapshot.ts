import type { CheckoutSession } from '../../shared/session.js';
import { tenantPrefix, type Tenant } from './keys.js';
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

/** The newest sessions of a tenant, newest first, consistent with the change stream. */
export async function readBoardSnapshot(ctx: StoreContext, tenant: Tenant, limit: number): Promise<BoardSnapshot> {
  const reply = (await transition(ctx, 'boardSnapshot', tenantPrefix(tenant), [limit])) as [string, string, number, ...Array<string | string[]>];
  const [lastEventId, firstEventId, total] = reply;
  const sessions: CheckoutSession[] = [];
  for (let i = 3; i + 1 < reply.length; i += 2) {
    const flat = reply[i + 1] as string[];
    if (flat.length === 0) continue;
    const hash: Record<string, string> = {};
    for (let j = 0; j + 1 < flat.length; j += 2) hash[flat[j]!] = flat[j + 1]!;
    sessions.push(decodeSession(reply[i] as string, tenant.mode, hash as SessionHash));
  }
  return { lastEventId, firstEventId, sessions, total };
}
