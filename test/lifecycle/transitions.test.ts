import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession, SessionStatus, SessionWithTimeline } from '../../shared/session.js';
import { ManualClock } from '../../server/clock.js';
import { tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { readStream } from '../helpers/stream.js';

const ABANDON_AFTER_MS = 60_000;

let redis: TestRedis;
let node: TestNode;
const clock = new ManualClock(Date.parse('2026-06-08T12:00:00.000Z'));
beforeAll(async () => {
  redis = await startTestRedis();
  node = await startNode(redis.url, { clock, background: false, env: { ABANDON_AFTER_MS: String(ABANDON_AFTER_MS) } });
});
afterAll(async () => {
  await node?.close();
  await redis?.stop();
});

type Operation = { name: string; call: (api: ApiClient, id: string) => Promise<{ status: number; body: unknown }> };
const event = (body: Record<string, unknown>): Operation['call'] => (api, id) => api.post(`/v1/checkouts/sessions/${id}/events`, body);
const OPERATIONS: Record<string, Operation['call']> = {
  details_provided: event({ type: 'details_provided', email: 'ana@example.com' }),
  payment_method_selected: event({ type: 'payment_method_selected', method: 'pix' }),
  payment_attempted: event({ type: 'payment_attempted' }),
  payment_failed: event({ type: 'payment_failed', code: 'card_declined', message: 'Card declined' }),
  payment_succeeded: event({ type: 'payment_succeeded', transactionId: 'tra_1', portalUrl: 'https://portal.example.com/c/1', orderUrl: 'https://shop.example.com/o/1' }),
  renew: (api, id) => api.post(`/v1/checkouts/sessions/${id}/renew`),
  expire: (api, id) => api.delete(`/v1/checkouts/sessions/${id}`),
  recovery: (api, id) => api.post(`/v1/checkouts/sessions/${id}/recovery`),
  receipt: (api, id) => api.post(`/v1/checkouts/sessions/${id}/receipt`),
};

/** What each operation does from each status: the status after it, or 422 (SPEC section 2). */
const TABLE: Record<string, Record<SessionStatus, SessionStatus | 422>> = {
  details_provided: { active: 'active', failed: 'failed', completed: 422, abandoned: 422, expired: 422 },
  payment_method_selected: { active: 'active', failed: 'failed', completed: 422, abandoned: 422, expired: 422 },
  payment_attempted: { active: 'active', failed: 'failed', completed: 422, abandoned: 422, expired: 422 },
  payment_failed: { active: 'failed', failed: 'failed', completed: 422, abandoned: 422, expired: 422 },
  payment_succeeded: { active: 'completed', failed: 'completed', completed: 422, abandoned: 422, expired: 422 },
  renew: { active: 422, failed: 422, completed: 422, abandoned: 'active', expired: 'active' },
  expire: { active: 'expired', failed: 'expired', completed: 422, abandoned: 'expired', expired: 422 },
  recovery: { active: 'active', failed: 'failed', completed: 422, abandoned: 'abandoned', expired: 'expired' },
  receipt: { active: 422, failed: 422, completed: 'completed', abandoned: 422, expired: 422 },
};

async function sessionIn(api: ApiClient, merchantId: string, status: SessionStatus): Promise<string> {
  const created = await createSession(api);
  const id = created.id;
  if (status === 'failed') await OPERATIONS.payment_failed!(api, id);
  if (status === 'completed') await OPERATIONS.payment_succeeded!(api, id);
  if (status === 'expired') await OPERATIONS.expire!(api, id);
  if (status === 'abandoned') {
    const prefix = tenantPrefix({ merchantId, mode: 'test' });
    await node.ctx.presence.connect(prefix, id, 'tab');
    await node.ctx.presence.disconnect(prefix, id, 'tab', false);
    clock.advance(ABANDON_AFTER_MS);
    await node.app.sweeper.tick();
  }
  const read = await api.get<CheckoutSession>(`/v1/checkouts/sessions/${id}`);
  expect(read.body.status).toBe(status);
  return id;
}

describe('the lifecycle state machine', () => {
  const cases = Object.entries(TABLE).flatMap(([operation, row]) =>
    (Object.entries(row) as Array<[SessionStatus, SessionStatus | 422]>).map(([from, to]) => [operation, from, to] as const));

  it.each(cases)('%s from %s → %s', async (operation, from, to) => {
    const { api, merchantId } = await newMerchant(node.ctx, node.url);
    const id = await sessionIn(api, merchantId, from);
    const tenant = { merchantId, mode: 'test' as const };
    const before = await api.get<SessionWithTimeline>(`/v1/checkouts/sessions/${id}`);
    const eventsBefore = (await readStream(node.ctx.redis, tenant)).length;
    clock.advance(1_000);
    const res = await OPERATIONS[operation]!(api, id);
    const after = await api.get<SessionWithTimeline>(`/v1/checkouts/sessions/${id}`);
    const eventsAfter = (await readStream(node.ctx.redis, tenant)).length;
    if (to === 422) {
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ error: { code: 'unprocessableEntity', statusCode: 422 } });
      expect(after.body).toEqual(before.body);
      expect(eventsAfter).toBe(eventsBefore);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((res.body as CheckoutSession).status).toBe(to);
      expect(after.body.status).toBe(to);
      expect(eventsAfter).toBe(eventsBefore + 1);
      expect(after.body.timeline.length).toBe(before.body.timeline.length + 1);
    }
  });

  it('records what each step carries', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const { id } = await createSession(api, { customer: {} });
    await OPERATIONS.details_provided!(api, id);
    let s = (await api.get<CheckoutSession>(`/v1/checkouts/sessions/${id}`)).body;
    expect(s).toMatchObject({ paymentStep: 2, customer: { email: 'ana@example.com' } });
    await OPERATIONS.payment_method_selected!(api, id);
    s = (await api.get<CheckoutSession>(`/v1/checkouts/sessions/${id}`)).body;
    expect(s).toMatchObject({ paymentStep: 3, paymentMethodSelected: 'pix' });
    await OPERATIONS.payment_attempted!(api, id);
    await OPERATIONS.payment_failed!(api, id);
    s = (await api.get<CheckoutSession>(`/v1/checkouts/sessions/${id}`)).body;
    expect(s).toMatchObject({ status: 'failed', paymentStep: 4, attemptCount: 1, failure: { code: 'card_declined', message: 'Card declined' } });
    await OPERATIONS.payment_attempted!(api, id);
    clock.advance(5_000);
    const done = await OPERATIONS.payment_succeeded!(api, id);
    expect(done.body).toMatchObject({
      status: 'completed', attemptCount: 2, transactionId: 'tra_1', completedAt: new Date(clock.now()).toISOString(),
      portalUrl: 'https://portal.example.com/c/1', orderUrl: 'https://shop.example.com/o/1', recovered: false,
    });
    const timeline = (await api.get<SessionWithTimeline>(`/v1/checkouts/sessions/${id}`)).body.timeline.map((t) => t.type);
    expect(timeline).toEqual(['created', 'details_provided', 'payment_method_selected', 'payment_attempted', 'payment_failed', 'payment_attempted', 'payment_succeeded']);
  });

  it('a renewal counts, clears firstInitialization and extends expiresAt', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const { id } = await createSession(api);
    await OPERATIONS.expire!(api, id);
    clock.advance(10_000);
    const renewed = await api.post<CheckoutSession>(`/v1/checkouts/sessions/${id}/renew`, { expiresInMs: 3_600_000 });
    expect(renewed.body).toMatchObject({ status: 'active', renewalCount: 1, firstInitialization: false, expiresAt: new Date(clock.now() + 3_600_000).toISOString() });
  });
});
