import { describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { ManualClock } from '../../server/clock.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { boardCookie } from '../helpers/board-client.js';
import { useTestNode } from '../helpers/suite.js';

const ABANDON_AFTER_MS = 60_000;
const clock = new ManualClock(Date.parse('2026-06-08T12:00:00.000Z'));
const suite = useTestNode({ clock, background: false, env: { ABANDON_AFTER_MS: String(ABANDON_AFTER_MS) } });

async function abandoned(api: ApiClient, merchantId: string): Promise<CheckoutSession> {
  const session = await createSession(api);
  const prefix = tenantPrefix({ merchantId, mode: 'test' });
  await suite.node.ctx.presence.connect(prefix, session.id, 'tab');
  await suite.node.ctx.presence.disconnect(prefix, session.id, 'tab', false);
  clock.advance(ABANDON_AFTER_MS);
  await suite.node.app.sweeper.tick();
  return (await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body;
}

async function recoveryLink(api: ApiClient, sessionId: string): Promise<string> {
  const sent = await api.post(`/v1/checkouts/sessions/${sessionId}/recovery`);
  expect(sent.status).toBe(200);
  const outbox = await api.get<{ data: Array<{ text: string }> }>('/v1/outbox');
  return /(http:\/\/\S+\/recover\/[A-Za-z0-9_.-]+)/.exec(outbox.body.data[0]!.text)![1]!;
}

const streamLength = (merchantId: string) => suite.node.ctx.redis.xlen(keys.stream(tenantPrefix({ merchantId, mode: 'test' })));

describe('recovery links (finding 6)', () => {
  it('opening the link changes nothing; confirming reopens the session once', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await abandoned(api, merchantId);
    expect(session.status).toBe('abandoned');
    const link = await recoveryLink(api, session.id);

    for (let i = 0; i < 3; i++) expect((await fetch(link)).status).toBe(200);
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body.status).toBe('abandoned');

    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body).toMatchObject({ status: 'active', renewalCount: 1 });

    // Abandoned again: the same link does not reopen it a second time.
    const prefix = tenantPrefix({ merchantId, mode: 'test' });
    await suite.node.ctx.presence.connect(prefix, session.id, 'tab2');
    await suite.node.ctx.presence.disconnect(prefix, session.id, 'tab2', false);
    clock.advance(ABANDON_AFTER_MS);
    await suite.node.app.sweeper.tick();
    const before = await streamLength(merchantId);
    expect((await fetch(link, { method: 'POST' })).status).toBe(410);
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body).toMatchObject({ status: 'abandoned', renewalCount: 1 });
    expect(await streamLength(merchantId)).toBe(before);
  });

  it('never reopens a session the merchant expired', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await abandoned(api, merchantId);
    const link = await recoveryLink(api, session.id);
    expect((await api.delete(`/v1/checkouts/sessions/${session.id}`)).status).toBe(200);
    const before = await streamLength(merchantId);
    for (let i = 0; i < 3; i++) {
      expect((await fetch(link)).status).toBe(200);
      expect((await fetch(link, { method: 'POST' })).status).toBe(410);
    }
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body).toMatchObject({ status: 'expired', renewalCount: 0 });
    expect(await streamLength(merchantId)).toBe(before);
  });

  it('a second "Recover sale" soon after the first sends no second mail, and a session gets a few at most', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const [first, second] = await Promise.all([
      api.post(`/v1/checkouts/sessions/${session.id}/recovery`),
      api.post(`/v1/checkouts/sessions/${session.id}/recovery`),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 429]);
    const refused = first.status === 429 ? first : second;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.get<{ data: unknown[] }>('/v1/outbox')).body.data).toHaveLength(1);

    let sent = 1;
    for (let i = 0; i < 10; i++) {
      clock.advance(11 * 60_000);
      if ((await api.post(`/v1/checkouts/sessions/${session.id}/recovery`)).status === 200) sent++;
    }
    expect(sent).toBe(3);
    expect((await api.get<{ data: unknown[] }>('/v1/outbox')).body.data).toHaveLength(3);
  });

  it('the outbox (recovery links, addresses) is for merchant sign-ins only, not read-only boards', async () => {
    const { api, merchantId, key } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    await recoveryLink(api, session.id);
    const token = await new BoardTokenStore(suite.node.ctx.redis, suite.node.ctx.clock).create({ merchantId, mode: 'test' });
    const viewer = await boardCookie(suite.node.url, token);
    const asViewer = await fetch(`${suite.node.url}/v1/outbox`, { headers: { cookie: viewer, 'x-checkout-pulse': 'board' } });
    expect(asViewer.status).toBe(403);
    expect(await asViewer.text()).not.toContain('/recover/');

    const signIn = await fetch(`${suite.node.url}/board/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
    const merchant = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const asMerchant = await fetch(`${suite.node.url}/v1/outbox`, { headers: { cookie: merchant, 'x-checkout-pulse': 'board' } });
    expect(asMerchant.status).toBe(200);
  });
});
