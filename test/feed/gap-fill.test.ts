import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/checkout-socket.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard } from '../helpers/board-client.js';
import { FAST_PRESENCE, startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage } from '../helpers/page.js';
import { startTestCluster } from '../helpers/redis-cluster.js';
import { startTestRedis } from '../helpers/redis.js';
import { readStream } from '../helpers/stream.js';
import { eventually } from '../helpers/wait.js';

/**
 * The feed's notices are a fast path, not the record: when the subscriber connection is killed
 * mid-traffic, or a notice never arrives, boards and pages still get every event once, in order,
 * filled from the stream.
 */
// The boards and pages here live in the test process and do not reconnect. Beside the whole suite, a
// pause of that process outlasted the fast timings' pong wait (T/3 - s, 450 ms): the node dropped a
// board, which then missed everything after. Presence is not what this file is about.
const SLOW_PINGS = { ...FAST_PRESENCE, PRESENCE_TIMEOUT_MS: '6000' };

describe.each([
  { topology: 'one Redis', cluster: false },
  { topology: 'a 3-master Cluster', cluster: true },
])('gap filling on $topology', { timeout: 60_000 }, ({ cluster }) => {
  let node: TestNode;
  let admins: Redis[] = [];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const { Redis } = await import('ioredis');
    if (cluster) {
      const c = await startTestCluster();
      stop = () => c.stop();
      admins = c.urls.map((url) => new Redis(url));
      node = await startNode(c.url, { env: { ...SLOW_PINGS, REDIS_CLUSTER: 'true' }, nodeId: 'gapc' });
    } else {
      const r = await startTestRedis();
      stop = () => r.stop();
      admins = [new Redis(r.url)];
      node = await startNode(r.url, { env: SLOW_PINGS, nodeId: 'gaps' });
    }
  });
  afterAll(async () => {
    await node?.close();
    for (const admin of admins) admin.disconnect();
    await stop?.();
  });

  it('the subscriber connection killed mid-traffic, and a notice lost: every event still arrives once, in order', async () => {
    const merchants = await Promise.all(Array.from({ length: 3 }, () => newMerchant(node.ctx, node.url)));
    const watched = await Promise.all(merchants.map(async ({ merchantId, api }) => {
      const tenant: Tenant = { merchantId, mode: 'test' };
      const token = await new BoardTokenStore(node.ctx.redis, node.ctx.clock).create(tenant);
      const board = await openBoard(node.url, await boardCookie(node.url, token));
      await board.hello();
      await eventually(() => expect(board.snapshots).toHaveLength(1));
      const paid = await createSession(api);
      const { socket } = await openPage(node.url, paid.id, paid.clientSecret);
      await heartbeat(socket);
      const told: SessionState[] = [];
      socket.on('session_status', (s) => told.push(s));
      return { tenant, api, board, from: board.snapshots[0]!.lastEventId, paid, socket, told };
    }));

    // Traffic runs through both kills and the lost notice, and a few sessions past them, however
    // fast or slow the machine is.
    let faultsDone = false;
    const traffic = Promise.all(watched.map(async ({ api }) => {
      let afterFaults = 0;
      while (afterFaults < 3) {
        await createSession(api);
        if (faultsDone) afterFaults++;
      }
    }));
    const killSubscribers = async () => {
      let killed = 0;
      for (const admin of admins) killed += Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
      expect(killed).toBeGreaterThanOrEqual(1);
    };
    await new Promise((r) => setTimeout(r, 150));
    await killSubscribers();
    await new Promise((r) => setTimeout(r, 300));
    // A notice that never comes: an event written to the stream alone, as if its notice was lost.
    for (const { tenant } of watched) {
      const { paid } = watched.find((w) => w.tenant === tenant)!;
      await node.ctx.redis.xadd(keys.stream(tenantPrefix(tenant)), '*', 'k', 'details_provided', 's', paid.id, 'at', String(Date.now()), 'p', '{}');
    }
    await new Promise((r) => setTimeout(r, 150));
    await killSubscribers();
    await new Promise((r) => setTimeout(r, 300));
    faultsDone = true;
    await traffic;
    // A page learns that its session completed elsewhere, through the same feed.
    for (const { api, paid } of watched) {
      expect((await api.post(`/v1/checkouts/sessions/${paid.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_gap' })).status).toBe(200);
    }

    for (const { tenant, board, from, told } of watched) {
      const want = (await readStream(node.ctx.redis, tenant)).map((e) => e.id).filter((id) => id > from);
      expect(want.length).toBeGreaterThanOrEqual(5);
      await eventually(() => expect(board.events.map((e) => e.id)).toEqual(want), 10_000);
      await eventually(() => expect(told.map((s) => s.status)).toContain('completed'));
      board.close();
    }
    for (const { socket } of watched) socket.disconnect();
  });

  it("an event announced but not in the stream (a replaced master's last write): the board starts again from a snapshot and misses nothing after", async () => {
    const { merchantId, api } = await newMerchant(node.ctx, node.url);
    const tenant: Tenant = { merchantId, mode: 'test' };
    const prefix = tenantPrefix(tenant);
    const token = await new BoardTokenStore(node.ctx.redis, node.ctx.clock).create(tenant);
    const board = await openBoard(node.url, await boardCookie(node.url, token));
    await board.hello();
    await eventually(() => expect(board.snapshots).toHaveLength(1));
    const first = await createSession(api);
    await eventually(() => expect(board.events.map((e) => e.sessionId)).toContain(first.id));
    // A master frozen past its failover wakes, runs a write left in its socket and announces it,
    // then follows its replica, which never had it: an id the stream does not hold, ahead of the
    // events the new master writes.
    const [before] = (await readStream(node.ctx.redis, tenant)).slice(-1);
    const phantomAt = Date.now() + 500;
    const phantom = `${phantomAt}-0`;
    await node.ctx.redis.spublish(keys.feedChannel(prefix), [phantom, before!.id, 'details_provided', first.id, String(Date.now()), '{}'].join('\n'));
    await eventually(() => expect(board.events.map((e) => e.id)).toContain(phantom));

    // One event before the phantom's id (its notice looks like one already delivered), then one after.
    const after = [await createSession(api)];
    await new Promise((r) => setTimeout(r, Math.max(0, phantomAt - Date.now() + 50)));
    after.push(await createSession(api));
    // The board is told to start again: a snapshot holding what came after the phantom.
    await eventually(() => expect(board.snapshots).toHaveLength(2), 10_000);
    const resync = board.snapshots[1]!;
    // On a slow machine the resync can start before the second session is written: it then comes
    // as a change after the snapshot, and may still be on its way when the snapshot arrives.
    await eventually(() => {
      const covered = new Set([...resync.sessions.map((s) => s.id), ...board.events.filter((e) => e.id > resync.lastEventId).map((e) => e.sessionId)]);
      for (const session of after) expect(covered).toContain(session.id);
    });
    // And it follows on from there.
    const later = await createSession(api);
    await eventually(() => expect(board.events.map((e) => e.sessionId)).toContain(later.id));
    board.close();

    // A board that resumes from the phantom (it was away meanwhile) is not replayed from it either.
    const back = await openBoard(node.url, await boardCookie(node.url, token));
    expect(await back.hello({ lastEventId: phantom })).toMatchObject({ resumed: false });
    await eventually(() => expect(back.snapshots).toHaveLength(1));
    back.close();
  });
});
