import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListSessionsResponse } from '../../shared/list-query.js';
import type { ErrorEnvelope } from '../../shared/errors.js';
import { SEED_EXAMPLE } from './seed-example.js';
import { ManualClock } from '../../server/clock.js';
import { apiClient, createSession, newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
let node: TestNode;
let manual: TestNode;
const clock = new ManualClock(Date.UTC(2026, 5, 8, 12));

beforeAll(async () => {
  redis = await startTestRedis();
  node = await startNode(redis.url);
  manual = await startNode(redis.url, { clock, background: false });
});
afterAll(async () => {
  await manual?.close();
  await node?.close();
  await redis?.stop();
});

const LIST = '/v1/checkouts/sessions';

describe('list sessions over HTTP', () => {
  it('answers the source API example query with the exact response shape', async () => {
    const { api } = await newMerchant(node.ctx, node.url, 'live');
    await createSession(api);
    const res = await api.get<ListSessionsResponse>(`${LIST}?${SEED_EXAMPLE}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['offset', 'limit', 'total', 'page', 'data', 'hasMore']);
    expect(res.body).toEqual({ offset: 0, limit: 20, total: 0, page: 1, data: [], hasMore: false });
    const all = await api.get<ListSessionsResponse>(LIST);
    expect(all.body).toMatchObject({ offset: 0, limit: 20, total: 1, page: 1, hasMore: false });
    expect(all.headers.get('x-request-id')).toBeTruthy();
  });

  it('names every bad parameter in the 400 envelope and changes nothing', async () => {
    const { api } = await newMerchant(node.ctx, node.url, 'test');
    const res = await api.get<ErrorEnvelope>(`${LIST}?limit=0&status=paid&Status=active&totalAmountGte=9&totalAmountLte=1&online=1`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalidParameters', statusCode: 400, category: 'validation' });
    const names = (res.body.error.params ?? []).map((p) => Object.keys(p)[0]).sort();
    expect(names).toEqual(['Status', 'limit', 'online', 'status', 'totalAmountGte']);
    const repeated = await api.get<ErrorEnvelope>(`${LIST}?status=active&status=failed`);
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.params).toEqual([{ status: expect.any(String) }]);
  });

  it('needs a key', async () => {
    const res = await apiClient(node.url).get<ErrorEnvelope>(LIST);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('scopes by the key: test sees test only (live is 403), live may ask for test', async () => {
    const live = await newMerchant(node.ctx, node.url, 'live');
    const testKey = await node.ctx.apiKeys.create(live.merchantId, 'test');
    const test = apiClient(node.url, testKey);
    const liveSession = await createSession(live.api);
    const testSession = await createSession(test);
    const other = await newMerchant(node.ctx, node.url, 'live');
    await createSession(other.api);

    const ids = async (client: typeof test, query = '') => {
      const res = await client.get<ListSessionsResponse>(`${LIST}${query}`);
      expect(res.status).toBe(200);
      return res.body.data.map((s) => s.id);
    };
    expect(await ids(live.api)).toEqual([liveSession.id]);
    expect(await ids(live.api, '?domainAmbient=test')).toEqual([testSession.id]);
    expect(await ids(test)).toEqual([testSession.id]);
    expect(await ids(test, '?domainAmbient=test')).toEqual([testSession.id]);
    const forbidden = await test.get<ErrorEnvelope>(`${LIST}?domainAmbient=live`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
  });

  it('pages without skipping or repeating while sessions keep arriving at the head', async () => {
    const { api } = await newMerchant(manual.ctx, manual.url, 'live');
    const created: string[] = [];
    for (let i = 0; i < 25; i++) {
      clock.advance(i % 3 === 0 ? 0 : 1); // some in the same millisecond: ties fall to the id
      created.push((await createSession(api)).id);
    }
    const seen: string[] = [];
    let next: string | undefined = `${LIST}?limit=7`;
    let snapshot: string | null = null;
    while (next) {
      const res: Awaited<ReturnType<typeof api.get<ListSessionsResponse>>> = await api.get<ListSessionsResponse>(next);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(25);
      snapshot ??= res.headers.get('x-snapshot-at');
      seen.push(...res.body.data.map((s) => s.id));
      // New sessions arrive between pages.
      clock.advance(5);
      await createSession(api);
      await createSession(api);
      const link = res.headers.get('link');
      next = link ? /<([^>]+)>; rel="next"/.exec(link)?.[1] : undefined;
      expect(Boolean(next)).toBe(res.body.hasMore);
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen)).toEqual(new Set(created));
    expect(snapshot).toBe(new Date(Date.UTC(2026, 5, 8, 12) + 16).toISOString());
  });

  it('follows presence: online and lastVisitAt indexes move with heartbeats', async () => {
    const { api } = await newMerchant(node.ctx, node.url, 'live');
    const quiet = await createSession(api);
    const visited = await createSession(api);
    const before = new Date(Date.now() - 1).toISOString();
    const { socket } = await openPage(node.url, visited.id, visited.clientSecret);
    const ids = async (query: string) => (await api.get<ListSessionsResponse>(`${LIST}?${query}`)).body.data.map((s) => s.id);
    await eventually(async () => expect(await ids('online=true')).toEqual([visited.id]));
    expect(await ids('online=false')).toEqual([quiet.id]);
    expect(await ids(`lastVisitAtGte=${before}`)).toEqual([visited.id]);
    const later = new Date(Date.now() + 50).toISOString();
    await new Promise((r) => setTimeout(r, 100));
    await heartbeat(socket);
    await eventually(async () => expect(await ids(`lastVisitAtGte=${later}&online=true`)).toEqual([visited.id]), 3_000);
    expect(await ids('paymentstepgte=1')).toEqual([visited.id]);
    socket.disconnect();
    await eventually(async () => expect(await ids('online=true')).toEqual([]), 3_000);
    expect((await ids('online=false')).sort()).toEqual([quiet.id, visited.id].sort());
  });
});
