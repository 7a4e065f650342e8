import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { emitRaw, heartbeat, openPage } from '../helpers/page.js';
import { readStream } from '../helpers/stream.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode();

function connectError(auth: unknown): Promise<Error> {
  return new Promise((resolve, reject) => {
    const socket = io(`${suite.node.url}/checkout`, { auth: auth as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('connected with bad credentials'));
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve(error);
    });
  });
}

async function snapshot(merchantId: string, id: string, api: { get: (p: string) => Promise<{ body: unknown }> }) {
  const session = (await api.get(`/v1/checkouts/sessions/${id}`)).body as CheckoutSession;
  const events = await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' });
  return { session, events: events.length };
}

describe('bad input on /checkout', () => {
  it('refuses a wrong secret, another session\'s secret and malformed auth', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const one = await createSession(api);
    const two = await createSession(api);
    expect((await connectError({ sessionId: one.id, clientSecret: 'cs_wrong.secret' })).message).toBe('unauthorized');
    expect((await connectError({ sessionId: one.id, clientSecret: two.clientSecret })).message).toBe('unauthorized');
    expect((await connectError({ sessionId: one.id, clientSecret: `${one.clientSecret}x` })).message).toBe('unauthorized');
    for (const bad of [{}, { sessionId: 'nope', clientSecret: 'x' }, { sessionId: one.id }, { sessionId: 42, clientSecret: [] }, { sessionId: one.id, clientSecret: one.clientSecret, extra: 1 }]) {
      expect((await connectError(bad)).message).toBe('invalidParameters');
    }
    const read = (await api.get(`/v1/checkouts/sessions/${one.id}`)).body as CheckoutSession;
    expect(read.online).toBe(false);
  });

  it('another merchant\'s secret for a session id does not open it', async () => {
    const mine = await newMerchant(suite.node.ctx, suite.node.url);
    const theirs = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(mine.api);
    const other = await createSession(theirs.api);
    expect((await connectError({ sessionId: session.id, clientSecret: other.clientSecret })).message).toBe('unauthorized');
  });

  it('malformed payloads and unknown events get an error ack and change nothing', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const created = await createSession(api);
    const { socket } = await openPage(suite.node.url, created.id, created.clientSecret);
    await heartbeat(socket);
    const before = await snapshot(merchantId, created.id, api);
    const cases: Array<[string, unknown[]]> = [
      ['heartbeat', ['not an object']],
      ['heartbeat', [null]],
      ['heartbeat', [{ visible: 'yes' }]],
      ['heartbeat', [{ visible: true, extra: 1 }]],
      ['heartbeat', [[1, 2, 3]]],
      ['details_provided', [{ email: 'not-an-email' }]],
      ['details_provided', [42]],
      ['payment_method_selected', [{ method: 'bitcoin' }]],
      ['payment_method_selected', [{}]],
      ['drop_table', [{}]],
      ['__proto__', [{}]],
    ];
    for (const [event, args] of cases) {
      const ack = await emitRaw(socket, event, ...args);
      expect(ack, `${event} ${JSON.stringify(args)}`).toMatchObject({ error: { code: 'invalidParameters' } });
    }
    const after = await snapshot(merchantId, created.id, api);
    expect(after.events).toBe(before.events);
    expect({ ...after.session, lastVisitAt: null, updatedAt: null }).toEqual({ ...before.session, lastVisitAt: null, updatedAt: null });
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });

  it('counts heartbeats as /metrics is scraped: beacon-style ones without an ack too, malformed ones not at all', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const created = await createSession(api);
    const { socket } = await openPage(suite.node.url, created.id, created.clientSecret);
    const scrape = async () => {
      const text = await (await fetch(`${suite.node.url}/metrics`)).text();
      return Number(/^checkout_pulse_heartbeats_total (\d+)$/m.exec(text)?.[1]);
    };
    const before = await scrape();
    for (const payload of [{ visible: 'yes' }, { visible: true, extra: 1 }, null]) {
      expect(await emitRaw(socket, 'heartbeat', payload)).toMatchObject({ error: { code: 'invalidParameters' } });
    }
    expect(await scrape()).toBe(before);
    // As the beacon sends them; the acked one after them arrives after them on the same socket.
    socket.emit('heartbeat', { visible: true });
    socket.emit('heartbeat', { visible: false });
    expect(await heartbeat(socket)).toMatchObject({ status: 'active' });
    expect(await scrape()).toBe(before + 3);
    expect(await scrape()).toBe(before + 3);
    socket.disconnect();
  });

  it('a huge frame closes that socket only; the server and other pages carry on', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const created = await createSession(api);
    const victim = await openPage(suite.node.url, created.id, created.clientSecret);
    const bystander = await openPage(suite.node.url, created.id, created.clientSecret);
    const closed = new Promise<string>((resolve) => victim.socket.once('disconnect', resolve));
    victim.socket.emit('heartbeat', { visible: true, padding: 'x'.repeat(200_000) });
    expect(await closed).toBe('transport close');
    expect(await heartbeat(bystander.socket)).toMatchObject({ status: 'active' });
    const read = (await api.get(`/v1/checkouts/sessions/${created.id}`)).body as CheckoutSession;
    expect(read.online).toBe(true);
    bystander.socket.disconnect();
  });
});

describe('bad input on POST /v1/presence', () => {
  it('answers malformed, oversized and unauthenticated beacons with the envelope and changes nothing', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const created = await createSession(api);
    const before = await snapshot(merchantId, created.id, api);
    const post = (body: string) => fetch(`${suite.node.url}/v1/presence`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    const cases: Array<[string, number, string]> = [
      ['{not json', 400, 'invalidParameters'],
      ['[]', 400, 'invalidParameters'],
      [JSON.stringify({ sessionId: created.id, clientSecret: created.clientSecret, state: 'gone' }), 400, 'invalidParameters'],
      [JSON.stringify({ sessionId: created.id, state: 'hb' }), 400, 'invalidParameters'],
      [JSON.stringify({ sessionId: created.id, clientSecret: 'cs_bad.bad', state: 'hb' }), 401, 'unauthorized'],
      [JSON.stringify({ sessionId: created.id, clientSecret: created.clientSecret, state: 'hb', pad: 'x'.repeat(10_000) }), 413, 'payloadTooLarge'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect(res.status, body.slice(0, 60)).toBe(status);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const json = (await res.json()) as { error: { code: string; statusCode: number } };
      expect(json.error).toMatchObject({ code, statusCode: status });
    }
    const after = await snapshot(merchantId, created.id, api);
    expect(after).toEqual(before);
  });
});
