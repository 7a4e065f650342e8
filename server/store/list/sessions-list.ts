import type { ListQuery } from '../../../shared/list-query.js';
import type { CheckoutSession } from '../../../shared/session.js';
import { tenantPrefix, type Tenant } from '../keys.js';
import { runScript } from '../scripts.js';
import { decodeSession, type SessionHash } from '../session-codec.js';
import type { StoreContext } from '../store-context.js';
import { planInput } from './list-plan.js';

export interface SessionPage {
  total: number;
  sessions: CheckoutSession[];
  /** createdAt (ms) of the tenant's newest session when the page was read: the snapshot bound. */
  newestCreatedAt: number | null;
  /** How the planner answered (rank, ordinal-walk, enum, walk, range, bitmap-walk, bitmap-enum, empty), for logs and benchmarks. */
  strategy: string;
}

type Reply = [number, string | null, string, ...Array<string | string[]>];

function hashOf(flat: string[]): SessionHash {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash as SessionHash;
}

/** One page of the list, read atomically with its exact total. */
export async function listSessions(ctx: StoreContext, tenant: Tenant, query: ListQuery): Promise<SessionPage> {
  const reply = (await runScript(ctx.redis, 'listSessions', [tenantPrefix(tenant)], [JSON.stringify(planInput(query))])) as Reply;
  const [total, newest, strategy] = reply;
  const sessions: CheckoutSession[] = [];
  for (let i = 3; i + 1 < reply.length; i += 2) {
    const id = reply[i] as string;
    const hash = hashOf(reply[i + 1] as string[]);
    if (hash.st !== undefined) sessions.push(decodeSession(id, tenant.mode, hash));
  }
  return { total, sessions, newestCreatedAt: newest === null ? null : Number(newest), strategy };
}
