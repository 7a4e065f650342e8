import { describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { FAST_PRESENCE } from '../helpers/node.js';
import { heartbeat, openPage } from '../helpers/page.js';
import { presenceFlips, readStream } from '../helpers/stream.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';
import { useTestNode } from '../helpers/suite.js';

const TIMEOUT_MS = Number(FAST_PRESENCE.PRESENCE_TIMEOUT_MS);
const GRACE_MS = Number(FAST_PRESENCE.OFFLINE_GRACE_MS);
const INTERVAL_MS = Number(FAST_PRESENCE.HEARTBEAT_INTERVAL_MS);

const suite = useTestNode();

async function fetchSession(api: ApiClient, id: string): Promise<CheckoutSession> {
  const res = await api.get<CheckoutSession>(`/v1/checkouts/sessions/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Resolves with the time at which the session read back offline. */
async function offlineAt(api: ApiClient, id: string, withinMs: number): Promise<number> {
  await eventually(async () => expect((await fetchSession(api, id)).online).toBe(false), withinMs, 10);
  return Date.now();
}

async function merchantWithSession() {
  const merchant = await newMerchant(suite.node.ctx, suite.node.url);
  const session = await createSession(merchant.api);
  return { ...merchant, session };
}

describe('presence (SPEC section 3)', () => {
  it('is online while a page lives and lastVisitAt advances within one heartbeat interval', async () => {
    const { api, session } = await merchantWithSession();
    const { socket } = await openPage(suite.node.url, session.id, session.clientSecret);
    const opened = await fetchSession(api, session.id);
    expect(opened.online).toBe(true);
    expect(opened.paymentStep).toBe(1);
    const before = Date.parse(opened.lastVisitAt!);
    for (let i = 0; i < 3; i++) {
      const sentAt = Date.now();
      await heartbeat(socket);
      // Coalesced writes land within one interval of the heartbeat.
      await eventually(async () => {
        const visit = Date.parse((await fetchSession(api, session.id)).lastVisitAt!);
        expect(visit).toBeGreaterThanOrEqual(sentAt);
      }, INTERVAL_MS, 10);
    }
    expect(Date.parse((await fetchSession(api, session.id)).lastVisitAt!)).toBeGreaterThan(before);
    socket.disconnect();
  });

  it('a clean close goes offline after the grace, not before', async () => {
    const { api, session } = await merchantWithSession();
    const { socket } = await openPage(suite.node.url, session.id, session.clientSecret);
    await heartbeat(socket);
    const closedAt = Date.now();
    socket.disconnect();
    await new Promise((r) => setTimeout(r, GRACE_MS / 3));
    expect((await fetchSession(api, session.id)).online).toBe(true);
    const at = await offlineAt(api, session.id, GRACE_MS + 1_000);
    expect(at - closedAt).toBeGreaterThanOrEqual(GRACE_MS);
  });

  it('a reload within the grace never flaps', async () => {
    const { api, session, merchantId } = await merchantWithSession();
    const first = await openPage(suite.node.url, session.id, session.clientSecret);
    first.socket.disconnect();
    const second = await openPage(suite.node.url, session.id, session.clientSecret);
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    expect((await fetchSession(api, session.id)).online).toBe(true);
    const flips = presenceFlips(await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' }), session.id);
    expect(flips).toEqual([true]);
    second.socket.disconnect();
  });

  it('two tabs count once: offline only when the last one goes', async () => {
    const { api, session, merchantId } = await merchantWithSession();
    const a = await openPage(suite.node.url, session.id, session.clientSecret);
    const b = await openPage(suite.node.url, session.id, session.clientSecret);
    a.socket.disconnect();
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    expect((await fetchSession(api, session.id)).online).toBe(true);
    b.socket.disconnect();
    await offlineAt(api, session.id, GRACE_MS + 1_000);
    const flips = presenceFlips(await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' }), session.id);
    expect(flips).toEqual([true, false]);
  });

  it('a silent death goes offline within the presence timeout, grace included', async () => {
    const { api, session, merchantId } = await merchantWithSession();
    const network = await startTcpProxy(suite.node.port);
    try {
      const { socket } = await openPage(network.url, session.id, session.clientSecret);
      await heartbeat(socket);
      const lastHeard = Date.now();
      network.freeze();
      const at = await offlineAt(api, session.id, TIMEOUT_MS + 1_000);
      expect(at - lastHeard).toBeLessThanOrEqual(TIMEOUT_MS);
      socket.disconnect();
      const flips = presenceFlips(await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' }), session.id);
      expect(flips).toEqual([true, false]);
    } finally {
      await network.close();
    }
  });

  it('a living page whose timers are throttled (no heartbeats, transport pings answered) stays online', async () => {
    const { api, session } = await merchantWithSession();
    const { socket } = await openPage(suite.node.url, session.id, session.clientSecret);
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 2.5));
    expect((await fetchSession(api, session.id)).online).toBe(true);
    socket.disconnect();
  });

  it('POST /v1/presence serves sendBeacon: hb brings it online, left takes that tab away after the grace', async () => {
    const { api, session, merchantId } = await merchantWithSession();
    const beacon = (body: unknown) => fetch(`${suite.node.url}/v1/presence`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify(body) });
    const hb = await beacon({ sessionId: session.id, clientSecret: session.clientSecret, state: 'hb' });
    expect(hb.status).toBe(200);
    expect(await hb.json()).toMatchObject({ status: 'active' });
    expect((await fetchSession(api, session.id)).online).toBe(true);
    // A socket tab says it leaves by its connection id; the beacon-only tab stays.
    const { socket } = await openPage(suite.node.url, session.id, session.clientSecret);
    const left = await beacon({ sessionId: session.id, clientSecret: session.clientSecret, state: 'left', connectionId: socket.id });
    expect(left.status).toBe(202);
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    expect((await fetchSession(api, session.id)).online).toBe(true);
    const leftAll = await beacon({ sessionId: session.id, clientSecret: session.clientSecret, state: 'left' });
    expect(leftAll.status).toBe(202);
    await offlineAt(api, session.id, GRACE_MS + 1_000);
    socket.disconnect();
    const flips = presenceFlips(await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' }), session.id);
    expect(flips).toEqual([true, false]);
  });
});
