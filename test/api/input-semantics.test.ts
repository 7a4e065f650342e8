import { describe, expect, it } from 'vitest';
import type { ListSessionsResponse } from '../../shared/list-query.js';
import type { CreatedSession } from '../../shared/session.js';
import { createSession, newMerchant, SAMPLE_SESSION } from '../helpers/api.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode();

describe('input semantics', () => {
  it('a create answers 201 with the session\'s Location', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const res = await api.post<CreatedSession>('/v1/checkouts/sessions', SAMPLE_SESSION);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/checkouts/sessions/${res.body.id}`);
    expect((await api.get(res.headers.get('location')!)).status).toBe(200);
  });

  it('a wrong method on a known path is a 405 naming the allowed ones', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const { id } = await createSession(api);
    const put = await api.call('PUT', `/v1/checkouts/sessions/${id}`, {});
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, DELETE, HEAD');
    expect(put.body).toMatchObject({ error: { code: 'methodNotAllowed', statusCode: 405 } });
    expect((await api.call('DELETE', '/v1/checkouts/sessions')).headers.get('allow')).toBe('GET, POST, HEAD');
    expect((await api.get('/v1/no-such-thing')).status).toBe(404);
  });

  it('domainHost is stored lowercased and matched whatever its case; language too, in BCP-47\'s case', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api, { domainHost: 'Checkout.Example.COM', language: 'PT-br' });
    expect(session).toMatchObject({ domainHost: 'checkout.example.com', language: 'pt-BR' });
    for (const query of ['domainHost=CHECKOUT.example.com', 'domainHost=checkout.example.com', 'language=pt-br', 'language=PT-BR']) {
      const list = await api.get<ListSessionsResponse>(`/v1/checkouts/sessions?${query}`);
      expect(list.body.data.map((s) => s.id), query).toEqual([session.id]);
    }
  });

  it('refuses an unknown currency and a day that does not exist, in plain words', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const currency = await api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, currency: 'XYZ' });
    expect(currency.status).toBe(400);
    expect(currency.body).toMatchObject({ error: { params: [{ currency: 'is not an ISO-4217 currency code' }] } });
    const missing = await api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, totalAmount: undefined });
    expect(missing.body).toMatchObject({ error: { params: [{ totalAmount: 'is required' }] } });
    const date = await api.get('/v1/checkouts/sessions?daterangegte=2026-02-31');
    expect(date.status).toBe(400);
    expect(date.body).toMatchObject({ error: { params: [{ daterangegte: expect.stringContaining('ISO-8601') as unknown }] } });
  });

  it('a date alone as an upper bound includes that whole day', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const day = session.createdAt.slice(0, 10);
    const list = await api.get<ListSessionsResponse>(`/v1/checkouts/sessions?daterangelte=${day}`);
    expect(list.body.data.map((s) => s.id)).toEqual([session.id]);
  });

  it('several values of an enum filter match any of them: the board\'s Expired tab in one call', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const open = await createSession(api);
    const expired = await createSession(api);
    const failed = await createSession(api);
    await api.delete(`/v1/checkouts/sessions/${expired.id}`);
    await api.post(`/v1/checkouts/sessions/${failed.id}/events`, { type: 'payment_failed', code: 'card_declined', message: 'Declined' });
    const ids = async (query: string) => (await api.get<ListSessionsResponse>(`/v1/checkouts/sessions?${query}`)).body.data.map((s) => s.id).sort();
    expect(await ids('status=expired,abandoned')).toEqual([expired.id]);
    expect(await ids('status=expired,failed')).toEqual([expired.id, failed.id].sort());
    expect(await ids('status=active,failed,expired&source=api,payment_link')).toEqual([open.id, expired.id, failed.id].sort());
    const total = (await api.get<ListSessionsResponse>('/v1/checkouts/sessions?status=active,expired&limit=1')).body;
    expect([total.total, total.data.length, total.hasMore]).toEqual([2, 1, true]);
    expect((await api.get('/v1/checkouts/sessions?status=expired,paid')).status).toBe(400);
  });
});
