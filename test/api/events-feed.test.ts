import { describe, expect, it } from 'vitest';
import type { EventList } from '../../shared/events.js';
import { apiClient, createSession, newMerchant, SAMPLE_SESSION } from '../helpers/api.js';
import { readStream } from '../helpers/stream.js';
import { useTestNode } from '../helpers/suite.js';
import { sessionBody } from '../helpers/session-body.js';

// The smallest retention the config allows, so a test can outgrow the kept log.
const suite = useTestNode({ env: { STREAM_RETAIN_EVENTS: '100' } });

async function activity() {
  const merchant = await newMerchant(suite.node.ctx, suite.node.url);
  const a = await createSession(merchant.api);
  const b = await createSession(merchant.api, { totalAmount: 990 });
  await merchant.api.post(`/v1/checkouts/sessions/${a.id}/events`, { type: 'payment_attempted' });
  await merchant.api.post(`/v1/checkouts/sessions/${b.id}/events`, { type: 'payment_failed', code: 'card_declined', message: 'Card declined' });
  await merchant.api.post(`/v1/checkouts/sessions/${a.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_1' });
  await merchant.api.delete(`/v1/checkouts/sessions/${b.id}`);
  return { ...merchant, a, b };
}

describe('GET /v1/events', () => {
  it('gives the stream\'s events with the same ids in the same order, page by page', async () => {
    const { api, merchantId } = await activity();
    const stream = await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' });
    expect(stream.length).toBe(6);

    const all = await api.get<EventList>('/v1/events');
    expect(all.status).toBe(200);
    expect(all.body.hasMore).toBe(false);
    expect(all.body.data.map((e) => [e.id, e.type, e.sessionId])).toEqual(stream.map((e) => [e.id, e.kind, e.sessionId]));

    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await api.get<EventList>(`/v1/events?limit=4${after ? `&after=${after}` : ''}`);
      paged.push(...page.body.data.map((e) => e.id));
      if (!page.body.hasMore) break;
      after = page.body.data.at(-1)!.id;
    }
    expect(paged).toEqual(stream.map((e) => e.id));
  });

  it('is the event object of the contract: the whole session on created, the changed fields after', async () => {
    const { api, a } = await activity();
    const { body } = await api.get<EventList>(`/v1/events?sessionId=${a.id}`);
    expect(body.data.map((e) => e.type)).toEqual(['created', 'payment_attempted', 'payment_succeeded']);
    const [created, , succeeded] = body.data;
    expect(created).toMatchObject({ object: 'event', sessionId: a.id, data: { id: a.id, status: 'active', totalAmount: SAMPLE_SESSION.totalAmount, currency: 'BRL' } });
    expect(new Date(created!.createdAt).toISOString()).toBe(created!.createdAt);
    const { clientSecret: _secret, ...asCreated } = a;
    expect(created!.data).toEqual(asCreated);
    expect(succeeded!.data).toMatchObject({ status: 'completed', transactionId: 'tra_1' });
    expect(succeeded!.data).not.toHaveProperty('totalAmount');
  });

  it('filters by several types at once and by session', async () => {
    const { api, b } = await activity();
    const failedOrExpired = await api.get<EventList>('/v1/events?type=payment_failed,expired');
    expect(failedOrExpired.body.data.map((e) => [e.type, e.sessionId])).toEqual([['payment_failed', b.id], ['expired', b.id]]);
    const repeated = await api.get<EventList>('/v1/events?type=payment_failed&type=expired');
    expect(repeated.body.data).toEqual(failedOrExpired.body.data);
    const limited = await api.get<EventList>('/v1/events?type=created&limit=1');
    expect(limited.body.data).toHaveLength(1);
    expect(limited.body.hasMore).toBe(true);
  });

  it('refuses bad parameters and keeps tenants and modes apart', async () => {
    const { api } = await activity();
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'type=bogus', 'type=created,', 'after=yesterday', 'sessionId=sess_1', 'other=1']) {
      const res = await api.get(`/v1/events?${query}`);
      expect(res.status, query).toBe(400);
    }
    expect((await api.get('/v1/events?domainAmbient=live')).status).toBe(403);
    const stranger = await newMerchant(suite.node.ctx, suite.node.url);
    expect((await stranger.api.get<EventList>('/v1/events')).body.data).toEqual([]);
    expect((await apiClient(suite.node.url).get('/v1/events')).status).toBe(401);
  });

  it('answers 410 for a position older than the kept log, and serves one inside it', async () => {
    const merchant = await newMerchant(suite.node.ctx, suite.node.url);
    const tenant = { merchantId: merchant.merchantId, mode: 'test' as const };
    const first = await createSession(merchant.api);
    const fields = sessionBody({ source: 'api', totalAmount: 100, currency: 'BRL', domainHost: 'shop.example', language: 'en', product: { id: 'p', name: 'P', quantity: 1 } });
    for (let i = 0; i < 400; i++) await suite.node.ctx.sessions.create(tenant, fields, 60_000);
    const kept = await readStream(suite.node.ctx.redis, tenant);
    expect(kept.length).toBeLessThan(401);
    expect(kept[0]!.id).not.toBe(first.id);

    const [firstEventId] = (await readStream(suite.node.ctx.redis, tenant)).map((e) => e.id);
    const gone = await merchant.api.get('/v1/events?after=0-1');
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ error: { code: 'gone', statusCode: 410 } });
    const inside = await merchant.api.get<EventList>(`/v1/events?after=${firstEventId}&limit=2`);
    expect(inside.status).toBe(200);
    expect(inside.body.data.map((e) => e.id)).toEqual(kept.slice(1, 3).map((e) => e.id));
    // Without a position the feed starts at the oldest kept event.
    expect((await merchant.api.get<EventList>('/v1/events?limit=1')).body.data[0]!.id).toBe(firstEventId);
  });

  it('a fresh stream is not gone: a position before the first event is simply the start', async () => {
    const { api, merchantId } = await activity();
    const stream = await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' });
    const res = await api.get<EventList>('/v1/events?after=0-1');
    expect(res.status).toBe(200);
    expect(res.body.data.map((e) => e.id)).toEqual(stream.map((e) => e.id));
  });
});
