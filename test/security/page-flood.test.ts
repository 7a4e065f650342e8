import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { SessionWithTimeline } from '../../shared/session.js';
import { DEFAULT_PAGE_LIMITS } from '../../server/realtime/checkout/page-limits.js';
import { keys, tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { emitRaw, openPage, type PageSocket } from '../helpers/page.js';
import { useTestNode } from '../helpers/suite.js';

// Default presence timings: a burst of 2,000 frames in one process must not trip the fast test pings.
const suite = useTestNode({ env: { HEARTBEAT_INTERVAL_MS: '10000', PRESENCE_TIMEOUT_MS: '30000', OFFLINE_GRACE_MS: '5000' } });
const streamLength = (merchantId: string) => suite.node.ctx.redis.xlen(keys.stream(tenantPrefix({ merchantId, mode: 'test' })));

describe('a checkout page cannot flood (finding 3)', () => {
  it('2,000 alternating funnel events in a burst: a page budget is accepted, the rest refused and not written', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const { socket } = await openPage(suite.node.url, session.id, session.clientSecret);
    const before = await streamLength(merchantId);
    const acks = await Promise.all(Array.from({ length: 2_000 }, (_, i) =>
      emitRaw(socket, 'payment_method_selected', { method: i % 2 ? 'pix' : 'credit_card' }) as Promise<{ error?: { code: string } }>));
    const accepted = acks.filter((a) => !a.error).length;
    expect(acks.filter((a) => a.error).every((a) => a.error!.code === 'tooManyRequests')).toBe(true);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(DEFAULT_PAGE_LIMITS.perConnection.burst + 2);
    expect((await streamLength(merchantId)) - before).toBe(accepted);
    socket.disconnect();
  });

  it('a repeat that changes nothing is not written', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const path = `/v1/checkouts/sessions/${session.id}/events`;
    expect((await api.post(path, { type: 'payment_method_selected', method: 'pix' })).status).toBe(200);
    expect((await api.post(path, { type: 'details_provided', email: 'x@example.com' })).status).toBe(200);
    const before = await streamLength(merchantId);
    for (let i = 0; i < 5; i++) {
      expect((await api.post(path, { type: 'payment_method_selected', method: 'pix' })).status).toBe(200);
      expect((await api.post(path, { type: 'details_provided' })).status).toBe(200);
    }
    expect(await streamLength(merchantId)).toBe(before);
    expect((await api.post(path, { type: 'payment_method_selected', method: 'boleto' })).status).toBe(200);
    expect(await streamLength(merchantId)).toBe(before + 1);
  });

  it('page chatter never pushes created or payment outcomes out of the timeline', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const path = `/v1/checkouts/sessions/${session.id}/events`;
    await api.post(path, { type: 'payment_failed', code: 'card_declined', message: 'Card "declined" "t":"page_opened"' });
    for (let i = 0; i < 150; i++) await api.post(path, { type: 'payment_method_selected', method: i % 2 ? 'pix' : 'wallet' });
    await api.post(path, { type: 'payment_attempted' });
    const { timeline } = (await api.get<SessionWithTimeline>(`/v1/checkouts/sessions/${session.id}`)).body;
    expect(timeline).toHaveLength(100);
    expect(timeline.map((t) => t.type).filter((t) => t !== 'payment_method_selected')).toEqual(['created', 'payment_failed', 'payment_attempted']);
    expect(timeline[1]!.data).toMatchObject({ code: 'card_declined' });
  });

  it('a session holds a bounded number of sockets', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api);
    const sockets: PageSocket[] = [];
    const outcomes = await Promise.all(Array.from({ length: DEFAULT_PAGE_LIMITS.socketsPerSession + 10 }, () => new Promise<string>((resolve) => {
      const socket: PageSocket = io(`${suite.node.url}/checkout`, {
        auth: { sessionId: session.id, clientSecret: session.clientSecret }, transports: ['websocket'], reconnection: false, forceNew: true,
      });
      sockets.push(socket);
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    })));
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(DEFAULT_PAGE_LIMITS.socketsPerSession);
    expect(outcomes.filter((o) => o === 'tooManyRequests')).toHaveLength(10);
    // A closed tab frees its place.
    sockets.find((s) => s.connected)!.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    const again = await openPage(suite.node.url, session.id, session.clientSecret);
    again.socket.disconnect();
    for (const socket of sockets) socket.disconnect();
  });
});
