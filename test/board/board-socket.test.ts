import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import type { SessionState } from '../../shared/checkout-socket.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard } from '../helpers/board-client.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
let a: TestNode;
let b: TestNode;
beforeAll(async () => {
  redis = await startTestRedis();
  a = await startNode(redis.url);
  b = await startNode(redis.url);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
});

async function merchantWithBoard(node: TestNode) {
  const merchant = await newMerchant(node.ctx, node.url);
  const token = await new BoardTokenStore(node.ctx.redis, node.ctx.clock).create({ merchantId: merchant.merchantId, mode: 'test' });
  return { ...merchant, token, cookie: await boardCookie(node.url, token) };
}

describe('/board', () => {
  it('gets a snapshot, then every change in order, including pages held by another node', async () => {
    const m = await merchantWithBoard(b);
    const existing = await createSession(m.api);
    const board = await openBoard(b.url, m.cookie);
    expect(await board.hello()).toMatchObject({ merchantId: m.merchantId, mode: 'test', role: 'viewer', resumed: false });
    await eventually(() => expect(board.snapshots).toHaveLength(1));
    expect(board.snapshots[0]!.sessions.map((s) => s.id)).toEqual([existing.id]);

    const created = await createSession(m.api);
    const { socket } = await openPage(a.url, created.id, created.clientSecret);
    await heartbeat(socket);
    await m.api.post(`/v1/checkouts/sessions/${created.id}/events`, { type: 'payment_failed', code: 'card_declined', message: 'Card declined' });
    await eventually(() => expect(board.events.map((e) => e.type)).toEqual(['created', 'page_opened', 'payment_failed']));
    expect(board.events[0]!.changes).toMatchObject({ status: 'active', totalAmount: 46523 });
    expect(board.events[2]!.changes).toMatchObject({ status: 'failed', failure: { code: 'card_declined', message: 'Card declined' } });
    const ids = board.events.map((e) => e.id);
    expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);
    socket.disconnect();
    board.close();
  });

  it('resumes from its last id with exactly the events it missed, or gets a snapshot when it has none', async () => {
    const m = await merchantWithBoard(a);
    const first = await openBoard(a.url, m.cookie);
    await first.hello();
    const s1 = await createSession(m.api);
    await eventually(() => expect(first.events).toHaveLength(1));
    const lastSeen = first.events.at(-1)!.id;
    first.close();

    const s2 = await createSession(m.api);
    await m.api.delete(`/v1/checkouts/sessions/${s1.id}`);
    const again = await openBoard(b.url, m.cookie);
    expect(await again.hello({ lastEventId: lastSeen })).toMatchObject({ resumed: true });
    await eventually(() => expect(again.events.map((e) => [e.type, e.sessionId])).toEqual([['created', s2.id], ['expired', s1.id]]));
    expect(again.snapshots).toHaveLength(0);
    again.close();
  });

  it('refuses a revoked token and foreign modes; boards see only their tenant', async () => {
    const m = await merchantWithBoard(a);
    const other = await merchantWithBoard(a);
    const board = await openBoard(a.url, m.cookie);
    expect(await board.hello({ mode: 'live' })).toMatchObject({ error: { code: 'forbidden' } });
    await board.hello();
    await createSession(other.api);
    const mine = await createSession(m.api);
    await eventually(() => expect(board.events.map((e) => e.sessionId)).toEqual([mine.id]));
    board.close();
    await new BoardTokenStore(a.ctx.redis, a.ctx.clock).revoke(m.token);
    await expect(openBoard(a.url, m.cookie)).rejects.toThrow('unauthorized');
    // The revoked link, followed in a browser: a page saying so, in words a shop owner reads.
    const page = await fetch(`${a.url}/board?token=${encodeURIComponent(m.token)}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('This board link is not valid');
    // A program asking for JSON still gets the error envelope.
    const api = await fetch(`${a.url}/board?token=${encodeURIComponent(m.token)}`, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('a read-only board may read a session but not act; a signed-in merchant acts through the API with the board header', async () => {
    const m = await merchantWithBoard(a);
    const session = await createSession(m.api);
    const headers = { cookie: m.cookie, 'x-checkout-pulse': 'board' };
    expect((await fetch(`${a.url}/v1/checkouts/sessions/${session.id}`, { headers })).status).toBe(200);
    expect((await fetch(`${a.url}/v1/checkouts/sessions/${session.id}/recovery`, { method: 'POST', headers })).status).toBe(403);

    const signIn = await fetch(`${a.url}/board/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: m.key }) });
    expect(signIn.status).toBe(200);
    const merchantCookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const noHeader = await fetch(`${a.url}/v1/checkouts/sessions/${session.id}/recovery`, { method: 'POST', headers: { cookie: merchantCookie } });
    expect(noHeader.status).toBe(401);
    const acted = await fetch(`${a.url}/v1/checkouts/sessions/${session.id}/recovery`, { method: 'POST', headers: { cookie: merchantCookie, 'x-checkout-pulse': 'board' } });
    expect(acted.status).toBe(200);
    expect(((await acted.json()) as CheckoutSession).recoverySent).toBe(true);
    const wrongKey = await fetch(`${a.url}/board/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'sl_test_nope' }) });
    expect(wrongKey.status).toBe(401);
  });

  it('tells a page when its session completes elsewhere', async () => {
    const { api } = await newMerchant(a.ctx, a.url);
    const session = await createSession(api);
    const { socket } = await openPage(a.url, session.id, session.clientSecret);
    const told = new Promise<SessionState>((resolve) => socket.on('session_status', (s) => s.status === 'completed' && resolve(s)));
    await api.post(`/v1/checkouts/sessions/${session.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_x' });
    expect((await told).status).toBe('completed');
    socket.disconnect();
  });
});
