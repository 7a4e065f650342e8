import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { useTestNode } from '../helpers/suite.js';

const PUBLIC_URL = 'https://pulse.example.com';
const suite = useTestNode({ env: { PUBLIC_URL } });

describe('without PUBLIC_URL (the demo), a request\'s Host still never becomes a link (finding 4)', () => {
  let demo: TestNode;
  beforeAll(async () => {
    demo = await startNode(suite.redis.url, { env: { PUBLIC_URL: undefined as unknown as string, DEMO: 'true' } });
  });
  afterAll(() => demo?.close());

  it('docs and recovery mail ignore a forged Host', async () => {
    const forged = await rawRequest(demo.url, { path: '/openapi.json', headers: { host: 'evil.example' } });
    expect(forged.text).not.toContain('evil.example');
    expect((await rawRequest(demo.url, { path: '/docs', headers: { host: 'localhost' } })).text).not.toContain('evil.example');
    const { key, api } = await newMerchant(demo.ctx, demo.url);
    const session = await createSession(api);
    await rawRequest(demo.url, {
      method: 'POST', path: `/v1/checkouts/sessions/${session.id}/recovery`,
      headers: { host: 'evil.example', selectkey: key, 'content-type': 'application/json' }, body: '{}',
    });
    const outbox = await api.get<{ data: Array<{ text: string }> }>('/v1/outbox');
    expect(outbox.body.data[0]!.text).toContain('/recover/');
    expect(outbox.body.data[0]!.text).not.toContain('evil.example');
  });
});

describe('links come from PUBLIC_URL only (finding 4)', () => {
  it('a forged Host never reaches /openapi.json or /docs, before or after others asked', async () => {
    const { url } = suite.node;
    const forged = await rawRequest(url, { path: '/openapi.json', headers: { host: 'evil.example' } });
    expect(forged.status).toBe(200);
    expect((JSON.parse(forged.text) as { servers: Array<{ url: string }> }).servers).toEqual([{ url: PUBLIC_URL }]);
    for (const path of ['/openapi.json', '/docs']) {
      const after = await rawRequest(url, { path, headers: { host: 'localhost' } });
      expect(after.text).not.toContain('evil.example');
    }
  });

  it('a recovery mail asked for through a forged Host still links to PUBLIC_URL', async () => {
    const { key, api } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const sent = await rawRequest(suite.node.url, {
      method: 'POST', path: `/v1/checkouts/sessions/${session.id}/recovery`,
      headers: { host: 'evil.example', selectkey: key, 'content-type': 'application/json' }, body: '{}',
    });
    expect(sent.status).toBe(200);
    const outbox = await api.get<{ data: Array<{ text: string }> }>('/v1/outbox');
    expect(outbox.body.data[0]!.text).toContain(`${PUBLIC_URL}/recover/`);
    expect(outbox.body.data[0]!.text).not.toContain('evil.example');
  });

  it('the server refuses to start without PUBLIC_URL outside the demo', () => {
    expect(() => loadConfig({}, { serving: true })).toThrow(ConfigError);
    expect(() => loadConfig({}, { serving: true })).toThrow('PUBLIC_URL');
    expect(loadConfig({ DEMO: 'true' }, { serving: true }).env.PUBLIC_URL).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL }, { serving: true }).env.PUBLIC_URL).toBe(PUBLIC_URL);
  });
});

describe('malformed paths are a 4xx, never a 500 (finding 5)', () => {
  it.each([
    ['GET', '/v1/checkouts/sessions/%zz'],
    ['GET', '/v1/checkouts/sessions/%E0%A4%A'],
    ['POST', '/v1/checkouts/sessions/%zz/events'],
    ['POST', '/v1/checkouts/sessions/%/recovery'],
    ['DELETE', '/v1/checkouts/sessions/%zz'],
    ['GET', '/recover/%zz'],
    ['POST', '/recover/%zz'],
    ['GET', '/recover/%C0%AF'],
    ['GET', '/board/%zz'],
    ['GET', '/assets/%zz'],
    ['GET', '/%zz'],
  ])('%s %s', async (method, path) => {
    const { key } = await newMerchant(suite.node.ctx, suite.node.url);
    const res = await rawRequest(suite.node.url, { method, path, headers: { selectkey: key, 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
