import { describe, expect, it } from 'vitest';
import type { HostLookup } from '../../server/webhooks/address-policy.js';
import type { CreatedWebhookEndpoint, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointList } from '../../shared/webhooks.js';
import { apiClient, createSession, newMerchant } from '../helpers/api.js';
import { useTestNode } from '../helpers/suite.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { pump } from './helpers.js';

/** Names this suite resolves itself; everything else as the system does. */
const names = new Map<string, string>([['shop.example', '93.184.216.34'], ['internal.example', '10.1.2.3'], ['rebinding.example', '93.184.216.34']]);
const lookup: HostLookup = async (hostname) => {
  const address = names.get(hostname);
  if (address) return [{ address, family: 4 }];
  if (hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw new Error(`ENOTFOUND ${hostname}`);
};

// Private addresses refused, as in production.
const suite = useTestNode({ background: false, webhookLookup: lookup, env: { WEBHOOK_TIMEOUT_MS: '300' } });

describe('webhook endpoints', () => {
  it('creates one with a secret shown once, lists, reads and deletes it', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const created = await api.post<CreatedWebhookEndpoint>('/v1/webhook_endpoints', { url: 'https://shop.example/hooks', events: ['payment_failed', 'abandoned'], description: 'Recovery mailer' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/webhook_endpoints/${created.body.id}`);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^we_[0-9a-f]{24}$/) as unknown, object: 'webhook_endpoint', url: 'https://shop.example/hooks',
      events: ['payment_failed', 'abandoned'], description: 'Recovery mailer', status: 'enabled',
      createdAt: expect.any(String) as unknown, disabledAt: null, secret: expect.stringMatching(/^whsec_/) as unknown,
    });
    const { secret: _secret, ...shown } = created.body;
    expect((await api.get<WebhookEndpoint>(`/v1/webhook_endpoints/${created.body.id}`)).body).toEqual(shown);
    const list = await api.get<WebhookEndpointList>('/v1/webhook_endpoints');
    expect(list.body.data).toEqual([shown]);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect((await api.get<WebhookDeliveryList>(`/v1/webhook_endpoints/${created.body.id}/deliveries`)).body).toEqual({ data: [] });
    expect((await api.delete(`/v1/webhook_endpoints/${created.body.id}`)).body).toMatchObject({ id: created.body.id, deleted: true });
    expect((await api.get(`/v1/webhook_endpoints/${created.body.id}`)).status).toBe(404);
    expect((await api.get<WebhookEndpointList>('/v1/webhook_endpoints')).body.data).toEqual([]);
  });

  it('keeps merchants and modes apart', async () => {
    const owner = await newMerchant(suite.node.ctx, suite.node.url);
    const stranger = await newMerchant(suite.node.ctx, suite.node.url);
    const { body } = await owner.api.post<CreatedWebhookEndpoint>('/v1/webhook_endpoints', { url: 'https://shop.example/hooks' });
    for (const path of [`/v1/webhook_endpoints/${body.id}`, `/v1/webhook_endpoints/${body.id}/deliveries`]) {
      expect((await stranger.api.get(path)).status).toBe(404);
    }
    expect((await stranger.api.delete(`/v1/webhook_endpoints/${body.id}`)).status).toBe(404);
    expect((await stranger.api.get<WebhookEndpointList>('/v1/webhook_endpoints')).body.data).toEqual([]);
    expect((await owner.api.get('/v1/webhook_endpoints?domainAmbient=live')).status).toBe(403);
    expect((await apiClient(suite.node.url).get('/v1/webhook_endpoints')).status).toBe(401);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/hooks'],
    ['IPv6 loopback', 'http://[::1]/hooks'],
    ['a 10.x address', 'https://10.0.0.7/hooks'],
    ['a 192.168.x address', 'https://192.168.1.20/hooks'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['an IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hooks'],
    ['localhost', 'http://localhost:3000/hooks'],
    ['a name resolving to a private address', 'https://internal.example/hooks'],
    ['a name that does not resolve', 'https://nowhere.invalid/hooks'],
    ['another scheme', 'ftp://shop.example/hooks'],
    ['credentials in the URL', 'https://user:pass@shop.example/hooks'],
  ])('refuses %s (400 naming url)', async (_what, url) => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const res = await api.post('/v1/webhook_endpoints', { url });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalidParameters', params: [{ url: expect.any(String) as unknown }] } });
    expect((await api.get<WebhookEndpointList>('/v1/webhook_endpoints')).body.data).toEqual([]);
  });

  it('live mode takes https only; test mode may use http', async () => {
    const live = await newMerchant(suite.node.ctx, suite.node.url, 'live');
    const refused = await live.api.post('/v1/webhook_endpoints', { url: 'http://shop.example/hooks' });
    expect(refused.body).toMatchObject({ error: { params: [{ url: 'must be an https URL for live mode' }] } });
    expect((await live.api.post('/v1/webhook_endpoints', { url: 'https://shop.example/hooks' })).status).toBe(201);
    const test = await newMerchant(suite.node.ctx, suite.node.url);
    expect((await test.api.post('/v1/webhook_endpoints', { url: 'http://shop.example/hooks' })).status).toBe(201);
  });

  it('refuses unknown event types and fields, in plain words', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const res = await api.post('/v1/webhook_endpoints', { url: 'https://shop.example/hooks', events: ['payment_exploded'], extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { params: expect.arrayContaining([{ 'events[0]': expect.stringContaining('must be * or one of') as unknown }, { extra: 'is not a known field' }]) as unknown } });
  });

  it('checks the address again at each delivery, and never connects to a private one', async () => {
    const hooks = await startWebhookReceiver();
    try {
      const { api } = await newMerchant(suite.node.ctx, suite.node.url);
      const { body } = await api.post<CreatedWebhookEndpoint>('/v1/webhook_endpoints', { url: `http://rebinding.example:${hooks.port}/hooks` });
      // The name now points at this machine (DNS rebinding): the attempt is refused, not sent.
      names.set('rebinding.example', '127.0.0.1');
      await createSession(api);
      await pump(suite.node);
      expect(hooks.received).toEqual([]);
      const [attempt] = (await api.get<WebhookDeliveryList>(`/v1/webhook_endpoints/${body.id}/deliveries`)).body.data;
      expect(attempt).toMatchObject({ outcome: 'retrying', statusCode: null, error: expect.stringContaining('private') as unknown });
    } finally {
      await hooks.close();
    }
  });
});
