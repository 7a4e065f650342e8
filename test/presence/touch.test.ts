import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { readEventsAfter } from '../../server/store/change-stream.js';
import { tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { newMerchant } from '../helpers/api.js';
import { presenceFlips, readStream } from '../helpers/stream.js';
import { useTestNode } from '../helpers/suite.js';
import { sessionBody } from '../helpers/session-body.js';

/**
 * touchPresence on an injected clock: heartbeats write lastVisitAt and leave leases to the node's
 * renewals, except where the connection is not registered any more.
 */
const clock = new ManualClock(Date.parse('2026-06-08T12:00:00.000Z'));
const suite = useTestNode({ clock, background: false });

async function onlineSession() {
  const { node } = suite;
  const { merchantId } = await newMerchant(node.ctx, node.url, 'test');
  const tenant: Tenant = { merchantId, mode: 'test' };
  const prefix = tenantPrefix(tenant);
  const { id } = await node.ctx.sessions.create(tenant, sessionBody({ totalAmount: 100, currency: 'BRL', product: { name: 'x' }, domainHost: 'shop.example.org' }), 86_400_000);
  await node.ctx.presence.connect(prefix, id, 'tab');
  return { tenant, prefix, id };
}

describe('heartbeats and leases', () => {
  it('a tab that said it left and heartbeats again (back from the bfcache) is registered again and stays online', async () => {
    const { node } = suite;
    const { tenant, prefix, id } = await onlineSession();
    await node.ctx.presence.disconnect(prefix, id, 'tab', true, true);
    clock.advance(1_000);
    expect(await node.ctx.presence.touch(prefix, [{ sessionId: id, connectionId: 'tab', visited: true, renew: false, aliveAt: clock.now() }])).toEqual([]);
    // Well past the grace, with no renewal in between: the heartbeat alone kept the tab.
    clock.advance(node.ctx.config.presence.offlineGraceMs + 1_000);
    await node.app.sweeper.tick();
    expect((await node.ctx.sessions.get(tenant, id))?.online).toBe(true);
    expect(presenceFlips(await readStream(node.ctx.redis, tenant), id)).toEqual([true]);
  });

  it('a renewal alone does not bring back a tab that said it left; a heartbeat without renewal moves lastVisitAt only', async () => {
    const { node } = suite;
    const { tenant, prefix, id } = await onlineSession();
    clock.advance(2_000);
    await node.ctx.presence.touch(prefix, [{ sessionId: id, connectionId: 'tab', visited: true, renew: false, aliveAt: clock.now() }]);
    const visited = await node.ctx.sessions.get(tenant, id);
    expect(visited?.lastVisitAt).toBe(new Date(clock.now()).toISOString());
    await node.ctx.presence.disconnect(prefix, id, 'tab', true, true);
    const notices = await node.ctx.presence.touch(prefix, [{ sessionId: id, connectionId: 'tab', visited: false, renew: true, aliveAt: clock.now() }]);
    expect(notices).toEqual([{ sessionId: id, connectionId: 'tab', status: 'released' }]);
    clock.advance(node.ctx.config.presence.offlineGraceMs + 1_000);
    await node.app.sweeper.tick();
    expect((await node.ctx.sessions.get(tenant, id))?.online).toBe(false);
  });

  it('fencing: a renewal of a lapsed and swept lease is refused when the node last heard the page over a lease ago (it was paused), and taken when it heard it recently (Redis was away)', async () => {
    const { node } = suite;
    const leaseMs = node.ctx.config.presence.leaseMs;
    const paused = await onlineSession();
    const outage = await onlineSession();
    const heardAt = clock.now();
    clock.advance(leaseMs + 1_000);
    await node.app.sweeper.tick();
    for (const { tenant, id } of [paused, outage]) expect((await node.ctx.sessions.get(tenant, id))?.online).toBe(false);
    // The paused node wakes and renews what it believed live, with its old proof of life.
    const refused = await node.ctx.presence.touch(paused.prefix, [{ sessionId: paused.id, connectionId: 'tab', visited: false, renew: true, aliveAt: heardAt }]);
    expect(refused).toEqual([{ sessionId: paused.id, connectionId: 'tab', status: 'stale' }]);
    expect(presenceFlips(await readStream(node.ctx.redis, paused.tenant), paused.id)).toEqual([true, false]);
    // A node that kept hearing its page (transport pongs) while Redis was away brings it back.
    expect(await node.ctx.presence.touch(outage.prefix, [{ sessionId: outage.id, connectionId: 'tab', visited: false, renew: true, aliveAt: clock.now() - 100 }])).toEqual([]);
    expect(presenceFlips(await readStream(node.ctx.redis, outage.tenant), outage.id)).toEqual([true, false, true]);
    // The paused page's own heartbeat proves it lives: registered again.
    expect(await node.ctx.presence.touch(paused.prefix, [{ sessionId: paused.id, connectionId: 'tab', visited: true, renew: false, aliveAt: clock.now() }])).toEqual([]);
    expect(presenceFlips(await readStream(node.ctx.redis, paused.tenant), paused.id)).toEqual([true, false, true]);
  });

  it('went_offline carries lastVisitAt: heartbeats advance it without events, so boards learn the last visit there', async () => {
    const { node } = suite;
    const { prefix, id } = await onlineSession();
    clock.advance(1_000);
    const visitedAt = clock.now();
    await node.ctx.presence.touch(prefix, [{ sessionId: id, connectionId: 'tab', visited: true, renew: false, aliveAt: visitedAt }]);
    await node.ctx.presence.disconnect(prefix, id, 'tab', false);
    const { events } = await readEventsAfter(node.ctx.redis, prefix, '0-0', 100);
    const offline = events.find((e) => e.sessionId === id && e.type === 'went_offline');
    expect(offline?.changes).toMatchObject({ online: false, lastVisitAt: new Date(visitedAt).toISOString() });
  });
});
