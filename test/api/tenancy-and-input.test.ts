import { describe, expect, it } from 'vitest';
import { apiClient, createSession, newMerchant, SAMPLE_SESSION, type ApiClient } from '../helpers/api.js';
import { readStream } from '../helpers/stream.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode();

type Call = (api: ApiClient, id: string, query?: string) => Promise<{ status: number; body: unknown }>;
const ENDPOINTS: Record<string, Call> = {
  'GET /:id': (api, id, q = '') => api.get(`/v1/checkouts/sessions/${id}${q}`),
  'POST /:id/events': (api, id, q = '') => api.post(`/v1/checkouts/sessions/${id}/events${q}`, { type: 'payment_attempted' }),
  'POST /:id/recovery': (api, id, q = '') => api.post(`/v1/checkouts/sessions/${id}/recovery${q}`),
  'POST /:id/receipt': (api, id, q = '') => api.post(`/v1/checkouts/sessions/${id}/receipt${q}`),
  'POST /:id/renew': (api, id, q = '') => api.post(`/v1/checkouts/sessions/${id}/renew${q}`),
  'DELETE /:id': (api, id, q = '') => api.delete(`/v1/checkouts/sessions/${id}${q}`),
};

describe('tenants never see each other', () => {
  it.each(Object.keys(ENDPOINTS))('%s: another merchant gets 404, the other mode 404 or 403, never data or a change', async (name) => {
    const call = ENDPOINTS[name]!;
    const owner = await newMerchant(suite.node.ctx, suite.node.url, 'live');
    const ownerTestKey = await suite.node.ctx.apiKeys.create(owner.merchantId, 'test');
    const stranger = await newMerchant(suite.node.ctx, suite.node.url, 'live');
    const strangerTest = await newMerchant(suite.node.ctx, suite.node.url, 'test');
    const session = await createSession(owner.api);
    const before = await readStream(suite.node.ctx.redis, { merchantId: owner.merchantId, mode: 'live' });

    for (const [who, api, query, expected] of [
      ['another merchant, same mode', stranger.api, '', 404],
      ['another merchant asking test', stranger.api, '?domainAmbient=test', 404],
      ['another merchant\'s test key', strangerTest.api, '', 404],
      ['own test key (live data)', apiClient(suite.node.url, ownerTestKey), '', 404],
      ['own test key asking live', apiClient(suite.node.url, ownerTestKey), '?domainAmbient=live', 403],
    ] as const) {
      const res = await call(api, session.id, query);
      expect(res.status, who).toBe(expected);
      expect(JSON.stringify(res.body), who).not.toContain(session.id);
      expect(JSON.stringify(res.body), who).not.toContain('ana@example.com');
    }
    const after = await readStream(suite.node.ctx.redis, { merchantId: owner.merchantId, mode: 'live' });
    expect(after).toEqual(before);
  });

  it('a live key may address its own test data with domainAmbient=test; creation follows the key', async () => {
    const owner = await newMerchant(suite.node.ctx, suite.node.url, 'live');
    const testApi = apiClient(suite.node.url, await suite.node.ctx.apiKeys.create(owner.merchantId, 'test'));
    const testSession = await createSession(testApi);
    expect(testSession.domainAmbient).toBe('test');
    expect((await owner.api.get(`/v1/checkouts/sessions/${testSession.id}`)).status).toBe(404);
    expect((await owner.api.get(`/v1/checkouts/sessions/${testSession.id}?domainAmbient=test`)).status).toBe(200);
    const live = await createSession(owner.api);
    expect(live.domainAmbient).toBe('live');
  });
});

describe('malformed input is a 400 envelope naming the field, and changes nothing', () => {
  const cases: Array<[string, (api: ApiClient, id: string) => Promise<{ status: number; body: unknown }>, string]> = [
    ['create: missing amount', (api) => api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, totalAmount: undefined }), 'totalAmount'],
    ['create: negative amount', (api) => api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, totalAmount: -1 }), 'totalAmount'],
    ['create: bad currency', (api) => api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, currency: 'real' }), 'currency'],
    ['create: unknown field', (api) => api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, admin: true }), 'admin'],
    ['create: bad email', (api) => api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, customer: { email: 'no' } }), 'customer[email]'],
    ['create: not JSON', (api) => api.call('POST', '/v1/checkouts/sessions', '{"totalAmount":', { 'content-type': 'application/json' }), 'body'],
    ['create: an array', (api) => api.post('/v1/checkouts/sessions', [1, 2]), 'body'],
    ['events: unknown type', (api, id) => api.post(`/v1/checkouts/sessions/${id}/events`, { type: 'refunded' }), 'type'],
    ['events: failure without code', (api, id) => api.post(`/v1/checkouts/sessions/${id}/events`, { type: 'payment_failed', message: 'x' }), 'code'],
    ['events: bad method', (api, id) => api.post(`/v1/checkouts/sessions/${id}/events`, { type: 'payment_method_selected', method: 'gold' }), 'method'],
    ['events: success without transaction', (api, id) => api.post(`/v1/checkouts/sessions/${id}/events`, { type: 'payment_succeeded' }), 'transactionId'],
    ['events: portal not a URL', (api, id) => api.post(`/v1/checkouts/sessions/${id}/events`, { type: 'payment_succeeded', transactionId: 't', portalUrl: 'javascript:alert(1)' }), 'portalUrl'],
    ['events: nested type', (api, id) => api.post(`/v1/checkouts/sessions/${id}/events`, { event: { type: 'payment_attempted' } }), 'type'],
    ['renew: lifetime too short', (api, id) => api.post(`/v1/checkouts/sessions/${id}/renew`, { expiresInMs: 5 }), 'expiresInMs'],
    ['recovery: unexpected body', (api, id) => api.post(`/v1/checkouts/sessions/${id}/recovery`, { to: 'x@y.z' }), 'to'],
    ['receipt: unexpected body', (api, id) => api.post(`/v1/checkouts/sessions/${id}/receipt`, { now: true }), 'now'],
    ['lookup: bad domainAmbient', (api, id) => api.get(`/v1/checkouts/sessions/${id}?domainAmbient=prod`), 'domainAmbient'],
    ['lookup: unknown query', (api, id) => api.get(`/v1/checkouts/sessions/${id}?expand=all`), 'expand'],
  ];

  it.each(cases)('%s', async (_name, call, field) => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const before = await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' });
    const res = await call(api, session.id);
    expect(res.status).toBe(400);
    const error = (res.body as { error: { code: string; params: Array<Record<string, string>> } }).error;
    expect(error.code).toBe('invalidParameters');
    const names = error.params.flatMap((p) => Object.keys(p));
    expect(names).toContain(field);
    expect(await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' })).toEqual(before);
  });

  it('an oversized body is a 413 envelope', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const res = await api.post('/v1/checkouts/sessions', { ...SAMPLE_SESSION, product: { name: 'x'.repeat(20_000) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'payloadTooLarge' } });
  });
});
