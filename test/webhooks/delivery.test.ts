import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import type { EventList } from '../../shared/events.js';
import { verifySignature } from '../../server/webhooks/signature.js';
import type { CreatedWebhookEndpoint, WebhookDeliveryList, WebhookEndpoint } from '../../shared/webhooks.js';
import { createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { pump, WEBHOOK_ENV } from './helpers.js';

let redis: TestRedis;
let node: TestNode;
const clock = new ManualClock();
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  node = await startNode(redis.url, { clock, background: false, env: WEBHOOK_ENV });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await node?.close();
  await redis?.stop();
});

async function receiver(...args: Parameters<typeof startWebhookReceiver>) {
  const started = await startWebhookReceiver(...args);
  receivers.push(started);
  return started;
}

async function endpoint(api: ApiClient, url: string, events?: string[]) {
  const res = await api.post<CreatedWebhookEndpoint>('/v1/webhook_endpoints', { url, ...(events ? { events } : {}) });
  if (res.status !== 201) throw new Error(`endpoint not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const deliveries = async (api: ApiClient, id: string) => (await api.get<WebhookDeliveryList>(`/v1/webhook_endpoints/${id}/deliveries`)).body.data;

describe('webhook deliveries', () => {
  it('POSTs each event, signed with the endpoint\'s secret and timestamp, as the feed shows it', async () => {
    const hooks = await receiver();
    const { api } = await newMerchant(node.ctx, node.url);
    const created = await endpoint(api, hooks.url);
    expect(created).toMatchObject({ object: 'webhook_endpoint', url: hooks.url, events: ['*'], status: 'enabled' });
    expect(created.secret).toMatch(/^whsec_/);
    const session = await createSession(api);
    await api.post(`/v1/checkouts/sessions/${session.id}/events`, { type: 'payment_failed', code: 'card_declined', message: 'Card declined' });
    await pump(node);

    const feed = (await api.get<EventList>('/v1/events')).body.data;
    expect(hooks.received.map((d) => d.eventId)).toEqual(feed.map((e) => e.id));
    const nowSeconds = Math.floor(clock.now() / 1000);
    for (const [i, delivery] of hooks.received.entries()) {
      expect(JSON.parse(delivery.rawBody)).toEqual(feed[i]);
      expect(delivery.headers['checkout-pulse-event-id']).toBe(feed[i]!.id);
      const signature = String(delivery.headers['checkout-pulse-signature']);
      expect(signature).toMatch(new RegExp(`^t=${nowSeconds},v1=[0-9a-f]{64}$`));
      expect(verifySignature(delivery.rawBody, signature, created.secret, { nowSeconds })).toBe(true);
      expect(verifySignature(delivery.rawBody.replace(`"${session.id}"`, '"sess_00000000000000000000"'), signature, created.secret, { nowSeconds })).toBe(false);
      expect(verifySignature(delivery.rawBody, signature, 'whsec_other', { nowSeconds })).toBe(false);
      expect(verifySignature(delivery.rawBody, signature, created.secret, { nowSeconds: nowSeconds + 301 })).toBe(false);
    }
    expect((await deliveries(api, created.id)).map((d) => [d.outcome, d.statusCode, d.attempt])).toEqual([['delivered', 200, 1], ['delivered', 200, 1]]);
    // Delivered once: another sweep sends nothing.
    await pump(node);
    expect(hooks.received).toHaveLength(2);
  });

  it('retries after a 500 and after a timeout, at the schedule\'s delays, until a 2xx', async () => {
    const answers = [500, 'hang', 200] as const;
    const hooks = await receiver((_d, index) => answers[index] ?? 200);
    const { api } = await newMerchant(node.ctx, node.url);
    const { id } = await endpoint(api, hooks.url, ['created']);
    await createSession(api);
    const start = clock.now();

    await pump(node);
    expect(hooks.received).toHaveLength(1);
    let log = await deliveries(api, id);
    expect(log[0]).toMatchObject({ attempt: 1, outcome: 'retrying', statusCode: 500, nextRetryAt: new Date(start + 10_000).toISOString() });

    clock.advance(9_999);
    await pump(node);
    expect(hooks.received).toHaveLength(1);
    clock.advance(1);
    await pump(node);
    expect(hooks.received).toHaveLength(2);
    log = await deliveries(api, id);
    expect(log[0]).toMatchObject({ attempt: 2, outcome: 'retrying', statusCode: null, error: expect.stringContaining('no answer') as unknown, nextRetryAt: new Date(clock.now() + 60_000).toISOString() });

    clock.advance(60_000);
    await pump(node);
    expect(hooks.received).toHaveLength(3);
    expect(new Set(hooks.received.map((d) => d.eventId)).size).toBe(1);
    log = await deliveries(api, id);
    expect(log.map((d) => [d.attempt, d.outcome])).toEqual([[3, 'delivered'], [2, 'retrying'], [1, 'retrying']]);
    await pump(node);
    clock.advance(3_600_000);
    await pump(node);
    expect(hooks.received).toHaveLength(3);
  });

  it('sends the first attempts of one session\'s events in event order, sessions side by side', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Every answer waits, so several sends are on their way at once.
    const hooks = await receiver(async () => {
      await gate;
      return 200;
    });
    const { api } = await newMerchant(node.ctx, node.url);
    await endpoint(api, hooks.url);
    const sessions = [await createSession(api), await createSession(api), await createSession(api)];
    for (let round = 0; round < 3; round++) {
      for (const s of sessions) await api.post(`/v1/checkouts/sessions/${s.id}/events`, { type: 'payment_attempted' });
    }
    const sweep = pump(node);
    // One send per session at a time: the three sessions' first events are out, nothing after them.
    await eventually(() => expect(hooks.received).toHaveLength(3));
    expect(hooks.received.map((d) => d.type)).toEqual(['created', 'created', 'created']);
    release();
    await sweep;
    const feed = (await api.get<EventList>('/v1/events')).body.data;
    // Each sweep claims a few per endpoint; a few sweeps send them all.
    for (let i = 0; i < 10 && hooks.received.length < feed.length; i++) await pump(node);
    for (const s of sessions) {
      expect(hooks.received.filter((d) => d.sessionId === s.id).map((d) => d.eventId)).toEqual(feed.filter((e) => e.sessionId === s.id).map((e) => e.id));
    }
    expect(hooks.received).toHaveLength(feed.length);
  });

  it('disables the endpoint when a delivery fails for the whole 3-day window, and then sends nothing', async () => {
    const hooks = await receiver(() => 503);
    const { api } = await newMerchant(node.ctx, node.url);
    const { id } = await endpoint(api, hooks.url, ['created']);
    await createSession(api);
    const start = clock.now();
    let attempts = 0;
    for (;;) {
      await pump(node);
      attempts++;
      const [last] = await deliveries(api, id);
      expect(last!.attempt).toBe(attempts);
      if (last!.outcome === 'failed') break;
      expect(last!.outcome).toBe('retrying');
      clock.set(Date.parse(last!.nextRetryAt!));
      expect(attempts).toBeLessThan(40);
    }
    const elapsedHours = (clock.now() - start) / 3_600_000;
    expect(elapsedHours).toBeGreaterThan(66);
    expect(elapsedHours).toBeLessThanOrEqual(72);
    expect(hooks.received).toHaveLength(attempts);
    const disabled = (await api.get<WebhookEndpoint>(`/v1/webhook_endpoints/${id}`)).body;
    expect(disabled).toMatchObject({ status: 'disabled', disabledAt: new Date(clock.now()).toISOString() });
    await createSession(api);
    await pump(node);
    expect(hooks.received).toHaveLength(attempts);
  });

  it('keeps an endpoint that answers others when one event fails for the whole window', async () => {
    const hooks = await receiver((d) => (d.rawBody.includes('"totalAmount":13') ? 400 : 200));
    const { api } = await newMerchant(node.ctx, node.url);
    const { id } = await endpoint(api, hooks.url, ['created']);
    await createSession(api, { totalAmount: 13 });
    await createSession(api, { totalAmount: 14 });
    const refusedEvent = async () => (await deliveries(api, id)).find((d) => d.statusCode === 400)!;
    for (let i = 0; i < 40; i++) {
      await pump(node);
      const last = await refusedEvent();
      if (last.outcome === 'failed') break;
      clock.set(Date.parse(last.nextRetryAt!));
    }
    expect((await refusedEvent()).outcome).toBe('failed');
    expect(hooks.received.filter((d) => d.rawBody.includes('"totalAmount":14'))).toHaveLength(1);
    expect((await api.get<WebhookEndpoint>(`/v1/webhook_endpoints/${id}`)).body.status).toBe('enabled');
  });

  it('sends only the types an endpoint asked for, and never another merchant\'s events', async () => {
    const mine = await receiver();
    const theirs = await receiver();
    const a = await newMerchant(node.ctx, node.url);
    const b = await newMerchant(node.ctx, node.url);
    await endpoint(a.api, mine.url, ['payment_failed']);
    await endpoint(b.api, theirs.url);
    const session = await createSession(a.api);
    await a.api.post(`/v1/checkouts/sessions/${session.id}/events`, { type: 'payment_failed', code: 'card_declined', message: 'Card declined' });
    await pump(node);
    expect(mine.received.map((d) => [d.type, d.sessionId])).toEqual([['payment_failed', session.id]]);
    expect(theirs.received).toEqual([]);
  });

  it('a deleted endpoint gets nothing more, its pending deliveries included', async () => {
    const hooks = await receiver();
    const { api } = await newMerchant(node.ctx, node.url);
    const { id } = await endpoint(api, hooks.url);
    await createSession(api);
    expect((await api.delete(`/v1/webhook_endpoints/${id}`)).status).toBe(200);
    await createSession(api);
    await pump(node);
    expect(hooks.received).toEqual([]);
    expect((await api.get(`/v1/webhook_endpoints/${id}`)).status).toBe(404);
  });
});
