import type { CheckoutSession, SessionWithTimeline, TimelineEntry } from '../../shared/session.js';
import { newSessionId } from './ids.js';
import { keys, type Tenant, tenantPrefix } from './keys.js';
import { checkRefusal, Refusal, ScriptRefusal } from './scripts.js';
import { decodeSession, encodeFields, type SessionHash } from './session-codec.js';
import { newSessionFields, type NewSession } from './session-input.js';
import { transition, type StoreContext } from './store-context.js';

/** Sessions as stored: create, read one, read many. Transitions live beside their scripts. */
export class SessionStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Creates a session as the API describes it (a parsed CreateSessionBody), living `ttlMs`. */
  async create(tenant: Tenant, session: NewSession, ttlMs: number): Promise<CheckoutSession> {
    const prefix = tenantPrefix(tenant);
    const fields = encodeFields(newSessionFields(session));
    for (let attempt = 0; ; attempt++) {
      const id = newSessionId();
      const now = this.ctx.clock.now();
      try {
        checkRefusal(await transition(this.ctx, 'createSession', prefix, [id, now + ttlMs, ...fields], now));
      } catch (error) {
        if (error instanceof ScriptRefusal && error.code === Refusal.AlreadyExists && attempt < 3) continue;
        throw error;
      }
      const session = await this.get(tenant, id);
      if (!session) throw new Error('session vanished after creation');
      return session;
    }
  }

  async get(tenant: Tenant, id: string): Promise<CheckoutSession | undefined> {
    const hash = (await this.ctx.redis.hgetall(keys.session(tenantPrefix(tenant), id))) as SessionHash;
    return hash.st === undefined ? undefined : decodeSession(id, tenant.mode, hash);
  }

  /** The host that serves the session's checkout, the one origin its page may read from (CORS). */
  async checkoutHost(tenant: Tenant, id: string): Promise<string | undefined> {
    return (await this.ctx.redis.hget(keys.session(tenantPrefix(tenant), id), 'host')) ?? undefined;
  }

  async getMany(tenant: Tenant, ids: readonly string[]): Promise<CheckoutSession[]> {
    const prefix = tenantPrefix(tenant);
    const hashes = await Promise.all(ids.map((id) => this.ctx.redis.hgetall(keys.session(prefix, id))));
    const out: CheckoutSession[] = [];
    hashes.forEach((hash, i) => {
      const id = ids[i];
      if (id !== undefined && (hash as SessionHash).st !== undefined) out.push(decodeSession(id, tenant.mode, hash as SessionHash));
    });
    return out;
  }

  async getWithTimeline(tenant: Tenant, id: string): Promise<SessionWithTimeline | undefined> {
    const prefix = tenantPrefix(tenant);
    const [session, rawTimeline] = await Promise.all([
      this.get(tenant, id),
      this.ctx.redis.lrange(keys.timeline(prefix, id), 0, -1),
    ]);
    if (!session) return undefined;
    return { ...session, timeline: rawTimeline.map(decodeTimelineEntry) };
  }
}

export function decodeTimelineEntry(raw: string): TimelineEntry {
  const entry = JSON.parse(raw) as { t: TimelineEntry['type']; at: number; d?: Record<string, unknown> };
  return { type: entry.t, at: new Date(entry.at).toISOString(), data: entry.d ?? null };
}
