import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession, CreatedSession } from '../../shared/session.js';
import { apiClient, createSession, newMerchant, SAMPLE_SESSION } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { readStream } from '../helpers/stream.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode();

describe('Idempotency-Key', () => {
  it('replays the first response, refuses the key with another body, and applies the event once', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const { id } = await createSession(api);
    const body = { type: 'payment_failed', code: 'card_declined', message: 'Card declined' };
    const headers = { 'Idempotency-Key': 'order-42-attempt-1' };
    const first = await api.post<CheckoutSession>(`/v1/checkouts/sessions/${id}/events`, body, headers);
    expect(first.status).toBe(200);
    const replay = await api.post<CheckoutSession>(`/v1/checkouts/sessions/${id}/events`, body, headers);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const other = await api.post(`/v1/checkouts/sessions/${id}/events`, { ...body, code: 'expired_card' }, headers);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: 'unprocessableEntity' } });
    const failures = (await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' })).filter((e) => e.kind === 'payment_failed');
    expect(failures).toHaveLength(1);
  });

  it('a retried create returns the first session instead of making another', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const headers = { 'Idempotency-Key': 'cart-7' };
    const body = { ...SAMPLE_SESSION, totalAmount: 1200 };
    const first = await api.post<CreatedSession>('/v1/checkouts/sessions', body, headers);
    expect(first.status).toBe(201);
    const retry = await api.post<CreatedSession>('/v1/checkouts/sessions', body, headers);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const created = (await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' })).filter((e) => e.kind === 'created');
    expect(created).toHaveLength(1);
  });

  it('the fingerprint does not depend on the order of the JSON keys', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const headers = { 'Idempotency-Key': 'reordered' };
    const forwards = JSON.stringify({ ...SAMPLE_SESSION, customer: { email: 'a@example.com', name: 'A' } });
    const backwards = JSON.stringify(Object.fromEntries(Object.entries({ ...SAMPLE_SESSION, customer: { name: 'A', email: 'a@example.com' } }).reverse()));
    expect(backwards).not.toBe(forwards);
    const first = await api.post<CreatedSession>('/v1/checkouts/sessions', forwards, headers);
    const retry = await api.post<CreatedSession>('/v1/checkouts/sessions', backwards, headers);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
  });

  it('a retried DELETE replays the first answer', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const { id } = await createSession(api);
    const headers = { 'Idempotency-Key': 'expire-once' };
    const first = await api.call<CheckoutSession>('DELETE', `/v1/checkouts/sessions/${id}`, undefined, headers);
    expect(first.body.status).toBe('expired');
    const retry = await api.call<CheckoutSession>('DELETE', `/v1/checkouts/sessions/${id}`, undefined, headers);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    const expired = (await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' })).filter((e) => e.kind === 'expired');
    expect(expired).toHaveLength(1);
  });

  it('concurrent retries with one key apply once', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const { id } = await createSession(api);
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      api.post(`/v1/checkouts/sessions/${id}/events`, { type: 'payment_attempted' }, { 'Idempotency-Key': 'same' })));
    for (const r of results) expect([200, 409]).toContain(r.status);
    expect(results.some((r) => r.status === 200)).toBe(true);
    const attempts = (await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' })).filter((e) => e.kind === 'payment_attempted');
    expect(attempts).toHaveLength(1);
  });

  it('keys are per merchant, and a bad key is a 400 naming the header', async () => {
    const a = await newMerchant(suite.node.ctx, suite.node.url);
    const b = await newMerchant(suite.node.ctx, suite.node.url);
    const sa = await createSession(a.api);
    const sb = await createSession(b.api);
    const ra = await a.api.post(`/v1/checkouts/sessions/${sa.id}/events`, { type: 'payment_attempted' }, { 'Idempotency-Key': 'k1' });
    const rb = await b.api.post(`/v1/checkouts/sessions/${sb.id}/events`, { type: 'payment_attempted' }, { 'Idempotency-Key': 'k1' });
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
    const bad = await a.api.post(`/v1/checkouts/sessions/${sa.id}/events`, { type: 'payment_attempted' }, { 'Idempotency-Key': 'has spaces' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { params: [{ 'Idempotency-Key': expect.any(String) }] } });
  });
});

describe('rate limits', () => {
  let limited: TestNode;
  beforeAll(async () => {
    limited = await startNode(suite.redis.url, { env: { RATE_LIMIT_PER_KEY: '5', RATE_LIMIT_PER_IP: '12' } });
  });
  afterAll(() => limited?.close());

  it('answers 429 with the envelope, retryAfterMinutes and Retry-After after the per-key limit', async () => {
    const key = await limited.ctx.apiKeys.create(`rl_${Date.now()}`, 'test');
    const api = apiClient(limited.url, key);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.get('/v1/checkouts/sessions/sess_00000000000000000000')).status);
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    const refused = await api.get('/v1/checkouts/sessions/sess_00000000000000000000');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toEqual({
      error: {
        status: 'Too Many Requests', statusCode: 429, category: 'rate_limit', message: 'Too Many Requests',
        details: 'The number of requests exceeded the limit allowed for the IP or user.', retryAfterMinutes: 1, code: 'tooManyRequests',
      },
    });
  });

  it('limits a client IP across keys, valid or not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await apiClient(limited.url, `sl_test_guess${i}`).get('/v1/checkouts/sessions')).status);
    expect(statuses).toContain(429);
  });
});
