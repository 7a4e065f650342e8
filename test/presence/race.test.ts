import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { connectRedis, type RedisClient } from '../../server/redis/connect.js';
import { tenantPrefix, keys, type Tenant } from '../../server/store/keys.js';
import { PresenceStore } from '../../server/store/presence-store.js';
import { registerScripts } from '../../server/store/scripts.js';
import { SessionStore } from '../../server/store/sessions-store.js';
import { FAST_PRESENCE } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { presenceFlips, readStream } from '../helpers/stream.js';
import { sessionBody } from '../helpers/session-body.js';

const SESSIONS = 150;
const ROUNDS = 12;

let redis: TestRedis;
const clients: RedisClient[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

/** One "node": its own connection, so calls from different nodes really interleave in Redis. */
function nodeStores(clock: ManualClock) {
  const config = loadConfig({ ...FAST_PRESENCE });
  const client = connectRedis({ url: redis.url });
  registerScripts(client);
  clients.push(client);
  const ctx = { redis: client, clock, streamRetain: 1_000_000 };
  return {
    presence: new PresenceStore(ctx, { timings: config.presence, abandonAfterMs: config.abandonAfterMs, sessionTtlMs: config.sessionTtlMs }),
    sessions: new SessionStore(ctx),
    leaseMs: config.presence.leaseMs,
  };
}

describe('presence flips under races', () => {
  it('heartbeats racing sweepers on other nodes yield exactly one event per flip', async () => {
    const clock = new ManualClock(Date.parse('2026-05-01T12:00:00Z'));
    const [a, b, c, d] = [nodeStores(clock), nodeStores(clock), nodeStores(clock), nodeStores(clock)];
    const tenant: Tenant = { merchantId: 'race', mode: 'test' };
    const prefix = tenantPrefix(tenant);
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const session = await a.sessions.create(tenant, sessionBody({ totalAmount: 100, currency: 'BRL', product: { name: 'x' }, domainHost: 'shop.example.org' }), 86_400_000);
      ids.push(session.id);
      await a.presence.connect(prefix, session.id, `tab-a-${i}`);
    }
    let sweptOffline = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Every lease has lapsed: heartbeats from two nodes race two sweepers for every session.
      clock.advance(a.leaseMs + 1);
      const now = clock.now();
      const touches = (tab: string) => ids.map((sessionId, i) => ({ sessionId, connectionId: `${tab}-${i}`, visited: true, renew: true, aliveAt: now }));
      const results = await Promise.all([
        a.presence.touch(prefix, round % 3 === 0 ? [] : touches('tab-a')),
        b.presence.sweep(prefix, SESSIONS * 2, true, now),
        c.presence.sweep(prefix, SESSIONS * 2, true, now),
        d.presence.touch(prefix, round % 2 === 0 ? touches('tab-d') : []),
      ]);
      sweptOffline += results[1].flipped + results[2].flipped;
    }
    const events = await readStream(clients[0]!, tenant);
    let offlineEvents = 0;
    for (const id of ids) {
      const flips = presenceFlips(events, id);
      expect(flips[0]).toBe(true);
      // Strict alternation: never two onlines or two offlines in a row.
      flips.forEach((online, i) => expect(online).toBe(i % 2 === 0));
      offlineEvents += flips.filter((f) => !f).length;
      const on = await clients[0]!.hget(keys.session(prefix, id), 'on');
      expect(on === '1').toBe(flips.at(-1));
    }
    // Every flip the sweepers reported is one event, and no event came from nowhere.
    expect(offlineEvents).toBe(sweptOffline);
    expect(sweptOffline).toBeGreaterThan(SESSIONS);
  });
});
