import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import type { Tenant } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard, type TestBoard } from '../helpers/board-client.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

const SLOW_PINGS = { HEARTBEAT_INTERVAL_MS: '10000', PRESENCE_TIMEOUT_MS: '30000', OFFLINE_GRACE_MS: '5000' };
let redis: TestRedis;
let a: TestNode;
let b: TestNode;
beforeAll(async () => {
  redis = await startTestRedis();
  a = await startNode(redis.url, { env: SLOW_PINGS });
  b = await startNode(redis.url, { env: SLOW_PINGS });
  await Promise.all([a.ctx.revocations.ready(), b.ctx.revocations.ready()]);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
});

function closed(board: TestBoard): Promise<number> {
  return new Promise((resolve) => {
    if (!board.socket.connected) return resolve(Date.now());
    board.socket.once('disconnect', () => resolve(Date.now()));
  });
}

async function signIn(node: TestNode, key: string): Promise<string> {
  const res = await fetch(`${node.url}/board/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('revocation reaches open boards on every node (finding 2)', () => {
  it('revoking a board token ends its boards on other nodes within seconds; no new board opens with it', async () => {
    const { merchantId, api } = await newMerchant(a.ctx, a.url);
    const tenant: Tenant = { merchantId, mode: 'test' };
    const tokens = new BoardTokenStore(b.ctx.redis, b.ctx.clock);
    const token = await tokens.create(tenant);
    const cookie = await boardCookie(a.url, token);
    const board = await openBoard(a.url, cookie);
    await board.hello();
    await createSession(api);
    await eventually(() => expect(board.events).toHaveLength(1));

    const cutOff = closed(board);
    const revokedAt = Date.now();
    expect(await tokens.revoke(token)).toBe(true);
    const elapsedMs = (await cutOff) - revokedAt;
    expect(elapsedMs).toBeLessThan(5_000);
    await createSession(api);
    expect(board.events).toHaveLength(1);
    await expect(openBoard(a.url, cookie)).rejects.toThrow('unauthorized');
    expect((await fetch(`${a.url}/board/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('revoking the key a merchant signed in with ends the board, and it cannot ask for live data', async () => {
    const merchant = await newMerchant(a.ctx, a.url, 'live');
    const cookie = await signIn(a, merchant.key);
    const board = await openBoard(b.url, cookie);
    expect(await board.hello({ mode: 'live' })).toMatchObject({ role: 'merchant', mode: 'live' });
    const cutOff = closed(board);
    expect(await a.ctx.apiKeys.revoke(merchant.key)).toBe(true);
    await cutOff;
    await expect(openBoard(b.url, cookie)).rejects.toThrow('unauthorized');
  });

  it('a hello re-checks the credential even if no notice arrived', async () => {
    const { merchantId } = await newMerchant(a.ctx, a.url);
    const token = await new BoardTokenStore(a.ctx.redis, a.ctx.clock).create({ merchantId, mode: 'test' });
    const board = await openBoard(a.url, await boardCookie(a.url, token));
    // Deleted behind the product's back: no notice is published.
    await a.ctx.redis.del(`cp:board-token:${(await import('../../server/store/secrets.js')).sha256(token)}`);
    expect(await board.hello()).toMatchObject({ error: { code: 'unauthorized' } });
    await eventually(() => expect(board.socket.connected).toBe(false));
  });

  it('signing out ends the cookie itself on the server, and the boards it opened', async () => {
    const merchant = await newMerchant(a.ctx, a.url);
    const cookie = await signIn(a, merchant.key);
    const board = await openBoard(b.url, cookie);
    await board.hello();
    const cutOff = closed(board);
    const out = await fetch(`${a.url}/board/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(204);
    await cutOff;
    // A copy of the cookie kept elsewhere no longer works anywhere.
    expect((await fetch(`${b.url}/board/me`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${b.url}/v1/checkouts/sessions`, { headers: { cookie, 'x-checkout-pulse': 'board' } })).status).toBe(401);
    await expect(openBoard(a.url, cookie)).rejects.toThrow('unauthorized');
    // The key itself still works: only that sign-in ended.
    expect((await merchant.api.get('/v1/checkouts/sessions')).status).toBe(200);
  });
});

describe('read-only boards get personal data masked on the server (finding 7)', () => {
  it('snapshot, changes and API reads of a viewer hold no full email or IP; a signed-in merchant sees them', async () => {
    const merchant = await newMerchant(a.ctx, a.url);
    const existing = await createSession(merchant.api, { customer: { email: 'ana.souza@example.com', name: 'Ana', country: 'BR', city: 'Recife' } });
    const prefix = (await import('../../server/store/keys.js')).tenantPrefix({ merchantId: merchant.merchantId, mode: 'test' });
    await a.ctx.presence.connect(prefix, existing.id, 'tab', { customer: { ip: '203.0.113.77' } });
    const viewerCookie = await boardCookie(a.url, await new BoardTokenStore(a.ctx.redis, a.ctx.clock).create({ merchantId: merchant.merchantId, mode: 'test' }));
    const viewer = await openBoard(a.url, viewerCookie);
    const owner = await openBoard(a.url, await signIn(a, merchant.key));
    await viewer.hello();
    await owner.hello();
    const later = await createSession(merchant.api, { customer: { email: 'bruno.lima@example.com' } });
    await a.ctx.presence.connect(prefix, later.id, 'tab', { customer: { ip: '198.51.100.23' } });
    await eventually(() => expect(viewer.events.map((e) => e.type)).toEqual(['created', 'page_opened']));
    await eventually(() => expect(owner.events).toHaveLength(2));

    const seenByViewer = JSON.stringify([viewer.snapshots, viewer.events]);
    for (const secret of ['ana.souza@', 'bruno.lima@', '203.0.113.77', '198.51.100.23']) expect(seenByViewer).not.toContain(secret);
    expect(seenByViewer).toContain('a***@example.com');
    const seenByOwner = JSON.stringify([owner.snapshots, owner.events]);
    for (const secret of ['ana.souza@example.com', 'bruno.lima@example.com', '203.0.113.77']) expect(seenByOwner).toContain(secret);

    const viewerApi = await fetch(`${a.url}/v1/checkouts/sessions/${existing.id}`, { headers: { cookie: viewerCookie, 'x-checkout-pulse': 'board' } });
    expect(viewerApi.status).toBe(200);
    const body = await viewerApi.text();
    expect(body).not.toContain('ana.souza@');
    expect(body).not.toContain('203.0.113.77');
    viewer.close();
    owner.close();
  });
});
