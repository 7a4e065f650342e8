import { describe, expect, it } from 'vitest';
import type { ListSessionsResponse } from '../../shared/list-query.js';
import type { CheckoutSession, CreatedSession } from '../../shared/session.js';
import { createSession, newMerchant, SAMPLE_SESSION } from '../helpers/api.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode();

const ids = (list: { body: ListSessionsResponse }) => list.body.data.map((s) => s.id);

describe('session metadata', () => {
  it('is kept as given, returned on create, read and list, and carried by the created event', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const metadata = { order: 'A-1042', 'cart.id': 'c_77', campaign: 'black friday: 30% off [email]' };
    const created = await createSession(api, { metadata });
    expect(created.metadata).toEqual(metadata);
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${created.id}`)).body.metadata).toEqual(metadata);
    const plain = await createSession(api);
    expect(plain.metadata).toEqual({});
    const list = await api.get<ListSessionsResponse>('/v1/checkouts/sessions');
    expect(Object.fromEntries(list.body.data.map((s) => [s.id, s.metadata]))).toEqual({ [created.id]: metadata, [plain.id]: {} });
    const events = await api.get<{ data: Array<{ type: string; sessionId: string; data: Partial<CheckoutSession> }> }>(`/v1/events?sessionId=${created.id}`);
    expect(events.body.data.find((e) => e.type === 'created')?.data.metadata).toEqual(metadata);
  });

  it('filters the list by metadata[key]=value: every pair must match, counted exactly', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const a = await createSession(api, { metadata: { order: 'A-1', channel: 'email' } });
    const b = await createSession(api, { metadata: { order: 'A-2', channel: 'email' } });
    const c = await createSession(api, { metadata: { order: 'A-1:x', channel: 'sms' } });
    await createSession(api);
    const cases: Array<[string, string[]]> = [
      ['metadata[order]=A-1', [a.id]],
      ['metadata[channel]=email', [b.id, a.id]],
      ['metadata[channel]=email&metadata[order]=A-2', [b.id]],
      ['metadata[channel]=sms&metadata[order]=A-2', []],
      [`metadata[order]=${encodeURIComponent('A-1:x')}`, [c.id]],
      ['metadata[missing]=A-1', []],
      ['metadata[channel]=email&status=active&limit=1', [b.id]],
    ];
    for (const [query, expected] of cases) {
      const list = await api.get<ListSessionsResponse>(`/v1/checkouts/sessions?${query}`);
      expect(list.status, query).toBe(200);
      expect(ids(list), query).toEqual(expected);
      if (!query.includes('limit')) expect(list.body.total, query).toBe(expected.length);
    }
    const paged = await api.get<ListSessionsResponse>('/v1/checkouts/sessions?metadata[channel]=email&limit=1');
    expect(paged.body).toMatchObject({ total: 2, hasMore: true });
    // The next page's link keeps the metadata filter.
    const next = /<([^>]+)>; rel="next"/.exec(paged.headers.get('link') ?? '')?.[1];
    expect(next).toContain('metadata%5Bchannel%5D=email');
    expect(ids(await api.get<ListSessionsResponse>(next!))).toEqual([a.id]);
  });

  it('refuses bad pairs in plain words, naming each, and stores nothing', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    const bad: Array<[unknown, string]> = [
      [tooMany, 'metadata'],
      [{ 'has space': 'v' }, 'metadata'],
      [{ 'a:b': 'v' }, 'metadata'],
      [{ ['k'.repeat(41)]: 'v' }, 'metadata'],
      [{ order: 'v'.repeat(501) }, 'metadata[order]'],
      [{ order: '' }, 'metadata[order]'],
      [{ order: 42 }, 'metadata[order]'],
      [['a'], 'metadata'],
    ];
    for (const [metadata, param] of bad) {
      const res = await api.post<{ error: { code: string; params: Array<Record<string, string>> } }>('/v1/checkouts/sessions', { ...SAMPLE_SESSION, metadata });
      expect(res.status, JSON.stringify(metadata).slice(0, 60)).toBe(400);
      expect(res.body.error.code).toBe('invalidParameters');
      const names = res.body.error.params.flatMap((p) => Object.keys(p));
      expect(names.some((name) => name.startsWith(param)), `${names.join(', ')} for ${JSON.stringify(metadata).slice(0, 60)}`).toBe(true);
      for (const p of res.body.error.params) for (const reason of Object.values(p)) expect(reason).not.toMatch(/invalid|expected|record/i);
    }
    expect((await api.get<ListSessionsResponse>('/v1/checkouts/sessions')).body.total).toBe(0);
    // Twenty pairs are fine.
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]));
    expect((await api.post<CreatedSession>('/v1/checkouts/sessions', { ...SAMPLE_SESSION, metadata: twenty })).body.metadata).toEqual(twenty);

    for (const query of ['metadata[a b]=1', 'metadata[]=1', 'metadata[order]=', `metadata[order]=${'v'.repeat(501)}`, 'metadata[order]=1&metadata[order]=2', 'metadatax=1']) {
      const res = await api.get<{ error: { code: string } }>(`/v1/checkouts/sessions?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('invalidParameters');
    }
  });
});
