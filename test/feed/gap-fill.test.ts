import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/checkout-socket.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard } from '../helpers/board-client.js';
import { startNode, type TestNode } from '../helpers/node.js';
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
      node = await startNode(c.url, { env: { REDIS_CLUSTER: 'true' }, nodeId: 'gapc' });
    } else {
      const r = await startTestRedis();
      stop = () => r.stop();
      admins = [new Redis(r.url)];
      node = await startNode(r.url, { nodeId: 'gaps' });
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

    let running = true;
    const traffic = Promise.all(watched.map(async ({ api }) => {
      while (running) await createSession(api);
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
    running = false;
    await traffic;
    // A page learns that its session completed elsewhere, through the same feed.
    for (const { api, paid } of watched) {
      expect((await api.post(`/v1/checkouts/sessions/${paid.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_gap' })).status).toBe(200);
    }

    for (const { tenant, board, from, told } of watched) {
      const want = (await readStream(node.ctx.redis, tenant)).map((e) => e.id).filter((id) => id > from);
      expect(want.length).toBeGreaterThan(10);
      await eventually(() => expect(board.events.map((e) => e.id)).toEqual(want), 10_000);
      await eventually(() => expect(told.map((s) => s.status)).toContain('completed'));
      board.close();
    }
    for (const { socket } of watched) socket.disconnect();
  });
});
