import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { ManualClock } from '../../server/clock.js';
import { tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { readStream } from '../helpers/stream.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('timers on an injected clock', () => {
  const ABANDON_AFTER_MS = 30 * 60_000;
  const TTL_MS = 24 * 3_600_000;
  const clock = new ManualClock(Date.parse('2026-06-08T12:00:00.000Z'));
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode(redis.url, { clock, background: false, env: { ABANDON_AFTER_MS: String(ABANDON_AFTER_MS), SESSION_TTL_MS: String(TTL_MS) } });
  });
  afterAll(() => node?.close());

  it('abandons a session offline for the abandonment period, not a minute earlier, and a return cancels it', async () => {
    const { api, merchantId } = await newMerchant(node.ctx, node.url);
    const prefix = tenantPrefix({ merchantId, mode: 'test' });
    const [leaves, returns] = [await createSession(api), await createSession(api)];
    for (const s of [leaves, returns]) {
      await node.ctx.presence.connect(prefix, s.id, 'tab');
      await node.ctx.presence.disconnect(prefix, s.id, 'tab', false);
    }
    const offlineAt = clock.now();
    clock.advance(ABANDON_AFTER_MS - 60_000);
    await node.ctx.presence.connect(prefix, returns.id, 'tab-2');
    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${leaves.id}`)).body.status).toBe('active');
    clock.advance(60_000);
    expect(await node.app.sweeper.tick()).toBeGreaterThanOrEqual(1);
    const abandoned = (await api.get<CheckoutSession>(`/v1/checkouts/sessions/${leaves.id}`)).body;
    expect(abandoned).toMatchObject({ status: 'abandoned', abandonedAt: new Date(offlineAt + ABANDON_AFTER_MS).toISOString() });
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${returns.id}`)).body.status).toBe('active');
    // A page coming back to an abandoned session renews it.
    await node.ctx.presence.connect(prefix, leaves.id, 'tab-3');
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${leaves.id}`)).body).toMatchObject({ status: 'active', renewalCount: 1, firstInitialization: false, online: true });
  });

  it('expires at expiresAt; a paid session never expires; a renewal moves the deadline', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const [open, paid, renewed] = [await createSession(api), await createSession(api), await createSession(api)];
    await api.post(`/v1/checkouts/sessions/${paid.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_9' });
    clock.advance(TTL_MS - 1);
    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${open.id}`)).body.status).toBe('active');
    clock.advance(1);
    await node.app.sweeper.tick();
    for (const s of [open, renewed]) expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${s.id}`)).body.status).toBe('expired');
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${paid.id}`)).body.status).toBe('completed');
    await api.post(`/v1/checkouts/sessions/${renewed.id}/renew`, { expiresInMs: 3_600_000 });
    clock.advance(3_600_000 - 1);
    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${renewed.id}`)).body.status).toBe('active');
    clock.advance(1);
    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${renewed.id}`)).body.status).toBe('expired');
  });
});

describe('timers in real time across two nodes', () => {
  let nodes: TestNode[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.close();
  });

  it('fire once each, whichever node sweeps', async () => {
    const env = { ABANDON_AFTER_MS: '400', SESSION_TTL_MS: '3000' };
    nodes = [await startNode(redis.url, { env }), await startNode(redis.url, { env })];
    const [a] = nodes as [TestNode, TestNode];
    const { api, merchantId } = await newMerchant(a.ctx, a.url);
    const tenant = { merchantId, mode: 'test' as const };
    const prefix = tenantPrefix(tenant);
    const sessions = await Promise.all(Array.from({ length: 20 }, () => createSession(api)));
    const leaving = sessions.slice(0, 10);
    for (const s of leaving) {
      await a.ctx.presence.connect(prefix, s.id, 'tab');
      await a.ctx.presence.disconnect(prefix, s.id, 'tab', false);
    }
    await eventually(async () => {
      const events = await readStream(a.ctx.redis, tenant);
      const expired = events.filter((e) => e.kind === 'expired');
      expect(expired.length).toBe(20);
    }, 10_000, 50);
    const events = await readStream(a.ctx.redis, tenant);
    for (const s of sessions) {
      const mine = events.filter((e) => e.sessionId === s.id);
      expect(mine.filter((e) => e.kind === 'expired')).toHaveLength(1);
      expect(mine.filter((e) => e.kind === 'abandoned')).toHaveLength(leaving.includes(s) ? 1 : 0);
    }
  });
});
