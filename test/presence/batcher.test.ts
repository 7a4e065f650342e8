import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { PresenceBatcher, type LiveConnection } from '../../server/realtime/checkout/presence-batcher.js';
import { tenantPrefix, type Tenant } from '../../server/store/keys.js';
import type { Notice } from '../../server/store/presence-store.js';
import { parseFeedNotice } from '../../server/store/change-stream.js';
import { keys } from '../../server/store/keys.js';
import { newMerchant } from '../helpers/api.js';
import { readStream } from '../helpers/stream.js';
import { eventually } from '../helpers/wait.js';
import { useTestNode } from '../helpers/suite.js';
import { sessionBody } from '../helpers/session-body.js';

/**
 * The batcher on its own, against the real scripts: heartbeats are marks on a record per
 * connection, written at the next flush; none is lost to a flush already on its way, and a
 * connection let go before the flush is not written.
 */
const clock = new ManualClock(Date.parse('2026-06-08T12:00:00.000Z'));
const suite = useTestNode({ clock, background: false });

async function openPages(count: number) {
  const { node } = suite;
  const { merchantId } = await newMerchant(node.ctx, node.url, 'test');
  const tenant: Tenant = { merchantId, mode: 'test' };
  const prefix = tenantPrefix(tenant);
  const connections: LiveConnection[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await node.ctx.sessions.create(tenant, sessionBody({ totalAmount: 100 + i, currency: 'BRL', product: { name: 'x' }, domainHost: 'shop.example.org' }), 86_400_000);
    await node.ctx.presence.connect(prefix, id, `tab-${i}`);
    connections.push({ prefix, sessionId: id, connectionId: `tab-${i}` });
  }
  const notices: Notice[] = [];
  const batcher = new PresenceBatcher(node.ctx.presence, node.ctx.config.presence, (n) => notices.push(n), node.ctx.logger, node.ctx.metrics);
  for (const connection of connections) batcher.track(connection);
  const lastVisit = async (connection: LiveConnection) => (await node.ctx.sessions.get(tenant, connection.sessionId))?.lastVisitAt;
  return { batcher, connections, notices, lastVisit };
}

describe('presence batcher', () => {
  it('writes each connection once per flush however often it beat, and every page of the flush', async () => {
    const { batcher, connections, notices, lastVisit } = await openPages(150);
    clock.advance(1_000);
    for (let round = 0; round < 3; round++) for (const connection of connections) batcher.heartbeat(connection);
    const flushes = suite.node.ctx.metrics.presenceFlushes;
    const before = (await flushes.get()).values[0]?.value ?? 0;
    await batcher.flush();
    // 150 touches go in calls of at most 64: three calls, not 450 touches.
    expect(((await flushes.get()).values[0]?.value ?? 0) - before).toBe(3);
    const at = new Date(clock.now()).toISOString();
    for (const connection of connections) expect(await lastVisit(connection)).toBe(at);
    expect(notices).toEqual([]);
  });

  it('a heartbeat that arrives while a flush is on its way is written by the next one', async () => {
    const { batcher, connections, lastVisit } = await openPages(2);
    const [first, second] = connections as [LiveConnection, LiveConnection];
    clock.advance(1_000);
    batcher.heartbeat(first);
    const flushing = batcher.flush();
    // The flush has taken its marks: these land in the next one.
    batcher.heartbeat(first);
    batcher.heartbeat(second);
    await flushing;
    const firstFlush = new Date(clock.now()).toISOString();
    expect(await lastVisit(first)).toBe(firstFlush);
    clock.advance(1_000);
    await batcher.flush();
    const secondFlush = new Date(clock.now()).toISOString();
    expect(await lastVisit(first)).toBe(secondFlush);
    expect(await lastVisit(second)).toBe(secondFlush);
  });

  it('a connection let go after its heartbeat is not written; tracked again, it starts afresh', async () => {
    const { batcher, connections, lastVisit } = await openPages(2);
    const [gone, kept] = connections as [LiveConnection, LiveConnection];
    const openedAt = await lastVisit(gone);
    clock.advance(1_000);
    batcher.heartbeat(gone);
    batcher.heartbeat(kept);
    batcher.untrack(gone);
    await batcher.flush();
    expect(await lastVisit(gone)).toBe(openedAt);
    expect(await lastVisit(kept)).toBe(new Date(clock.now()).toISOString());

    // Back (a tab restored from the bfcache): its old mark stays forgotten, its new beats count.
    batcher.track(gone);
    clock.advance(1_000);
    await batcher.flush();
    expect(await lastVisit(gone)).toBe(openedAt);
    batcher.heartbeat(gone);
    await batcher.flush();
    expect(await lastVisit(gone)).toBe(new Date(clock.now()).toISOString());
    expect(batcher.connectionCount).toBe(2);
  });

  it("tenants share calls: a hundred merchants' pages go in as few calls as one merchant's, each flip in its own tenant's stream and index", async () => {
    const { node } = suite;
    // A hundred merchants with a page each, and one with seventy: 170 touches, three calls of at most 64.
    const merchants = await Promise.all(Array.from({ length: 101 }, () => newMerchant(node.ctx, node.url)));
    const pagesOf = (m: number) => (m === 100 ? 70 : 1);
    const connections: LiveConnection[] = [];
    for (const [m, { merchantId }] of merchants.entries()) {
      const tenant: Tenant = { merchantId, mode: 'test' };
      const prefix = tenantPrefix(tenant);
      for (let i = 0; i < pagesOf(m); i++) {
        const { id } = await node.ctx.sessions.create(tenant, sessionBody({ totalAmount: 100 + i, currency: 'BRL', product: { name: 'x' }, domainHost: 'shop.example.org' }), 86_400_000);
        // Online, then offline at once (a silent close): the batcher's renewal brings each back.
        await node.ctx.presence.connect(prefix, id, `tab-${m}-${i}`);
        await node.ctx.presence.disconnect(prefix, id, `tab-${m}-${i}`, false);
        connections.push({ prefix, sessionId: id, connectionId: `tab-${m}-${i}` });
      }
    }
    // Every tenant's notices, as a node's feed would hear them.
    const listener = new Redis(suite.redis.url);
    const heard = new Map<string, Array<{ id: string; previousId: string; kind: string }>>();
    listener.on('smessage', (channel: string, message: string) => {
      const notice = parseFeedNotice(message)!;
      heard.set(channel, [...heard.get(channel) ?? [], { id: notice.event.id, previousId: notice.previousId, kind: notice.event.type }]);
    });
    await listener.ssubscribe(...merchants.map(({ merchantId }) => keys.feedChannel(tenantPrefix({ merchantId, mode: 'test' }))));

    try {
      const batcher = new PresenceBatcher(node.ctx.presence, node.ctx.config.presence, () => undefined, node.ctx.logger, node.ctx.metrics);
      for (const connection of connections) {
        batcher.track(connection);
        batcher.heartbeat(connection);
      }
      clock.advance(1_000);
      const flushes = node.ctx.metrics.presenceFlushes;
      const before = (await flushes.get()).values[0]?.value ?? 0;
      await batcher.flush();
      expect(((await flushes.get()).values[0]?.value ?? 0) - before).toBe(3);

      await eventually(() => expect([...heard.values()].reduce((n, list) => n + list.length, 0)).toBe(170));
      for (const [m, { merchantId, api }] of merchants.entries()) {
        const tenant: Tenant = { merchantId, mode: 'test' };
        const stream = await readStream(node.ctx.redis, tenant);
        const comeBack = stream.filter((e) => e.kind === 'came_back');
        expect(comeBack).toHaveLength(pagesOf(m));
        // Each notice names its own tenant's previous event: a feed applies it without reading the stream.
        const notices = heard.get(keys.feedChannel(tenantPrefix(tenant)))!;
        expect(notices.map((n) => n.id)).toEqual(comeBack.map((e) => e.id));
        for (const notice of notices) {
          const at = stream.findIndex((e) => e.id === notice.id);
          expect(notice.previousId).toBe(stream[at - 1]!.id);
        }
        // And the tenant's own index has them online.
        const online = await api.get<{ total: number }>('/v1/checkouts/sessions?online=true');
        expect(online.body.total).toBe(pagesOf(m));
      }
    } finally {
      listener.disconnect();
    }
  });
});
