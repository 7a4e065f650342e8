import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { tenantPrefix } from '../../server/store/keys.js';
import { WEBHOOK_CLAIM_LEASE_MS } from '../../server/webhooks/retry-schedule.js';
import type { CreatedWebhookEndpoint, WebhookDeliveryList } from '../../shared/webhooks.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { pump, WEBHOOK_ENV } from './helpers.js';

// Deliveries are worked by any node: two nodes over one Redis, on one hand-moved clock.
let redis: TestRedis;
let a: TestNode;
let b: TestNode;
const clock = new ManualClock();
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  [a, b] = await Promise.all([
    startNode(redis.url, { clock, background: false, env: WEBHOOK_ENV, nodeId: 'node-a' }),
    startNode(redis.url, { clock, background: false, env: WEBHOOK_ENV, nodeId: 'node-b' }),
  ]);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await a?.close();
  await b?.close();
  await redis?.stop();
});

async function receiver(...args: Parameters<typeof startWebhookReceiver>) {
  const started = await startWebhookReceiver(...args);
  receivers.push(started);
  return started;
}

async function merchantWithEndpoint(node: TestNode, url: string) {
  const merchant = await newMerchant(node.ctx, node.url);
  const res = await merchant.api.post<CreatedWebhookEndpoint>('/v1/webhook_endpoints', { url });
  expect(res.status).toBe(201);
  return { ...merchant, endpoint: res.body };
}

describe('webhook deliveries across nodes', () => {
  it('two nodes sweeping at once send each delivery once', async () => {
    const hooks = await receiver();
    const { api } = await merchantWithEndpoint(a, hooks.url);
    for (let i = 0; i < 12; i++) await createSession(api);
    for (let round = 0; round < 6; round++) await Promise.all([pump(a), pump(b)]);
    const ids = hooks.received.map((d) => d.eventId);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
  });

  it('two nodes sweeping at once send one session\'s events one at a time, in event order', async () => {
    // Each answer takes a while, so both nodes have sends on their way while the other sweeps.
    const open = new Map<string, number>();
    let overlapping = 0;
    const hooks = await receiver(async (delivery) => {
      const now = (open.get(delivery.sessionId) ?? 0) + 1;
      open.set(delivery.sessionId, now);
      if (now > 1) overlapping++;
      await new Promise((resolve) => setTimeout(resolve, 15));
      open.set(delivery.sessionId, now - 1);
      return 200;
    });
    const { api } = await merchantWithEndpoint(a, hooks.url);
    const sessions = [await createSession(api), await createSession(api), await createSession(api)];
    for (let round = 0; round < 4; round++) {
      for (const s of sessions) expect((await api.post(`/v1/checkouts/sessions/${s.id}/events`, { type: 'payment_attempted' })).status).toBe(200);
    }
    const feed = (await api.get<{ data: Array<{ id: string; sessionId: string }> }>('/v1/events?limit=100')).body.data;
    expect(feed).toHaveLength(15);
    for (let round = 0; round < 20 && hooks.received.length < feed.length; round++) await Promise.all([pump(a), pump(b)]);
    expect(overlapping).toBe(0);
    for (const s of sessions) {
      expect(hooks.received.filter((d) => d.sessionId === s.id).map((d) => d.eventId)).toEqual(feed.filter((e) => e.sessionId === s.id).map((e) => e.id));
    }
    expect(hooks.received).toHaveLength(feed.length);
  });

  it('a node stopped mid-delivery does not lose it: once its claim lapses, another node delivers it', async () => {
    let first = true;
    const hooks = await receiver(() => {
      if (!first) return 200;
      first = false;
      return 'hang';
    });
    const { api, endpoint } = await merchantWithEndpoint(a, hooks.url);
    const doomed = await startNode(redis.url, { clock, background: false, env: { ...WEBHOOK_ENV, WEBHOOK_TIMEOUT_MS: '60000' }, nodeId: 'node-doomed' });
    await createSession(api);
    await doomed.app.sweeper.tick();
    await eventually(() => expect(hooks.received).toHaveLength(1));
    // The node goes away with the request unanswered: nothing is recorded for it.
    await doomed.close();

    // Within the claim's lease nobody sends it again...
    clock.advance(WEBHOOK_CLAIM_LEASE_MS - 1);
    await pump(b);
    expect(hooks.received).toHaveLength(1);
    // ...then another node does, and it is delivered once.
    clock.advance(1);
    await pump(b);
    expect(hooks.received.map((d) => d.eventId)).toEqual([hooks.received[0]!.eventId, hooks.received[0]!.eventId]);
    const log = (await api.get<WebhookDeliveryList>(`/v1/webhook_endpoints/${endpoint.id}/deliveries`)).body.data;
    expect(log.map((d) => [d.attempt, d.outcome])).toEqual([[1, 'delivered']]);
    clock.advance(WEBHOOK_CLAIM_LEASE_MS);
    await pump(b);
    expect(hooks.received).toHaveLength(2);
  });

  it('pending deliveries outlive a Redis restart', async () => {
    const hooks = await receiver();
    const { api } = await merchantWithEndpoint(a, hooks.url);
    await createSession(api);
    await redis.restart();
    await eventually(async () => expect(await a.ctx.redis.ping()).toBe('PONG'));
    await pump(a);
    expect(hooks.received.map((d) => d.type)).toEqual(['created']);
  });

  it('a slow endpoint does not hold up the sweep or another merchant\'s deliveries', async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver();
    // Sends wait a minute for an answer here: a sweep or a merchant held up by one would time the test out.
    const patient = await startNode(redis.url, { clock, background: false, env: { ...WEBHOOK_ENV, WEBHOOK_TIMEOUT_MS: '60000' }, nodeId: 'node-patient' });
    try {
      const stuck = await merchantWithEndpoint(patient, slow.url);
      const other = await merchantWithEndpoint(patient, fast.url);
      for (let i = 0; i < 6; i++) await createSession(stuck.api);
      await createSession(other.api);
      await patient.app.sweeper.tick();
      await eventually(() => expect(fast.received).toHaveLength(1));
      await eventually(() => expect(slow.received).toHaveLength(4));
      // The slow endpoint holds its own four slots and no more, sweep after sweep; the rest of its
      // deliveries wait in Redis (counts move as sends are handed over, so this is read at once).
      await patient.app.sweeper.tick();
      const stuckPrefix = tenantPrefix({ merchantId: stuck.merchantId, mode: 'test' });
      expect([...patient.app.webhooks.inFlightFor(stuckPrefix).values()]).toEqual([4]);
    } finally {
      await patient.close();
    }
  });
});
