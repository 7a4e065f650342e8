import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { clientAddress, visitorDetails } from '../../server/realtime/checkout/visitor-details.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

describe('visitor details', () => {
  it('reads device from the user agent', () => {
    expect(visitorDetails({ 'user-agent': IPHONE }, '127.0.0.1', 0)).toEqual({
      device: { type: 'mobile', os: 'iOS', browser: 'Mobile Safari' }, customer: { ip: '127.0.0.1' },
    });
  });

  it.each([
    [{ 'x-forwarded-for': '203.0.113.9' }, '10.0.0.2', 0, '10.0.0.2'],
    [{ 'x-forwarded-for': '203.0.113.9' }, '10.0.0.2', 1, '203.0.113.9'],
    [{ 'x-forwarded-for': '6.6.6.6, 203.0.113.9' }, '10.0.0.2', 1, '203.0.113.9'],
    [{ 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.7' }, '10.0.0.2', 2, '203.0.113.9'],
    [{}, '::ffff:192.0.2.1', 1, '192.0.2.1'],
  ])('client address of %j via %s trusting %i hops is %s', (headers, peer, hops, expected) => {
    expect(clientAddress(headers, peer, hops)).toBe(expected);
  });

  it('trusts edge geo headers only behind a trusted proxy, and only well-formed ones', () => {
    const headers = { 'cf-ipcountry': 'br', 'x-vercel-ip-city': 'S%C3%A3o%20Paulo' };
    expect(visitorDetails(headers, '10.0.0.2', 0)).toEqual({ customer: { ip: '10.0.0.2' } });
    expect(visitorDetails(headers, '10.0.0.2', 1)).toMatchObject({ customer: { country: 'BR', city: 'São Paulo' } });
    expect(visitorDetails({ 'cf-ipcountry': 'XX' }, '10.0.0.2', 1)).not.toHaveProperty('customer.country');
    expect(visitorDetails({ 'cf-ipcountry': 'Brazil!' }, '10.0.0.2', 1)).not.toHaveProperty('customer.country');
  });
});

describe('a page fills device and location it was not given', () => {
  let redis: TestRedis;
  let node: TestNode;
  beforeAll(async () => {
    redis = await startTestRedis();
    node = await startNode(redis.url, { env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await node?.close();
    await redis?.stop();
  });

  it('writes device, IP and edge location on the first page open, keeping what the merchant gave', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const created = await createSession(api, { customer: { email: 'ana@example.com', city: 'Campinas' } });
    const socket = io(`${node.url}/checkout`, {
      auth: { sessionId: created.id, clientSecret: created.clientSecret },
      transports: ['websocket'], forceNew: true, reconnection: false,
      extraHeaders: { 'user-agent': IPHONE, 'x-forwarded-for': '203.0.113.9', 'cf-ipcountry': 'BR', 'x-vercel-ip-city': 'Rio' },
    });
    await new Promise((resolve) => socket.once('session_status', resolve));
    const read = (await api.get<CheckoutSession>(`/v1/checkouts/sessions/${created.id}`)).body;
    expect(read.device).toEqual({ type: 'mobile', os: 'iOS', browser: 'Mobile Safari' });
    expect(read.customer).toMatchObject({ ip: '203.0.113.9', country: 'BR', city: 'Campinas', email: 'ana@example.com' });
    socket.disconnect();
  });
});
