import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../server/redis/connect.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import type { Tenant } from '../../server/store/keys.js';
import { apiClient } from '../helpers/api.js';
import { boardCookie, openBoard, type TestBoard } from '../helpers/board-client.js';
import { FAST_PRESENCE, startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage, type PageSocket } from '../helpers/page.js';
import { startTestCluster } from '../helpers/redis-cluster.js';
import { startTestRedis } from '../helpers/redis.js';
import { readStream } from '../helpers/stream.js';
import { eventually } from '../helpers/wait.js';
import { sessionBody } from '../helpers/session-body.js';

/**
 * Thousands of merchants over two nodes: a node's Redis connections stay the same however many
 * merchants its pages belong to, boards on either node get every event once and in order, and
 * presence keeps its bounds.
 */
const MERCHANTS = 1_500;
const WATCHED = 8;
// Opening 1,500 pages at once loads these two cores for seconds: a timeout that a busy machine
// keeps, and the grace the test measures.
const PRESENCE = { ...FAST_PRESENCE, HEARTBEAT_INTERVAL_MS: '2000', PRESENCE_TIMEOUT_MS: '10000' };
const GRACE_MS = Number(PRESENCE.OFFLINE_GRACE_MS);
const TIMEOUT_MS = Number(PRESENCE.PRESENCE_TIMEOUT_MS);

interface Merchant {
  tenant: Tenant;
  key: string;
  sessionId: string;
  clientSecret: string;
}

/** Connections a node holds, as Redis lists them (every node names its connections by its id). */
async function nodeConnections(admin: RedisClient[], nodeId: string): Promise<number> {
  let count = 0;
  for (const client of admin) {
    const list = await (client as Redis).client('LIST') as string;
    count += list.split('\n').filter((line) => line.includes(`name=checkout-pulse:${nodeId}:`)).length;
  }
  return count;
}

async function seedMerchants(node: TestNode, count: number): Promise<Merchant[]> {
  const merchants: Merchant[] = [];
  for (let from = 0; from < count; from += 100) {
    merchants.push(...await Promise.all(Array.from({ length: Math.min(100, count - from) }, async (_, i) => {
      const tenant: Tenant = { merchantId: `many_${process.pid}_${from + i}`, mode: 'test' };
      const key = await node.ctx.apiKeys.create(tenant.merchantId, 'test');
      const session = await node.ctx.sessions.create(tenant, sessionBody({ totalAmount: 1000 + i, currency: 'BRL', product: { name: 'x' }, domainHost: 'shop.example.org' }), 86_400_000);
      return { tenant, key, sessionId: session.id, clientSecret: node.ctx.clientSecrets.issue(tenant, session.id) };
    })));
  }
  return merchants;
}

describe.each([
  { topology: 'one Redis', cluster: false },
  { topology: 'a 3-master Cluster', cluster: true },
])('many merchants on $topology, two nodes', { timeout: 180_000 }, ({ cluster }) => {
  const nodes: TestNode[] = [];
  const admin: RedisClient[] = [];
  let stop: () => Promise<void>;
  let merchants: Merchant[] = [];
  const pages: PageSocket[] = [];

  beforeAll(async () => {
    const { Redis } = await import('ioredis');
    if (cluster) {
      const c = await startTestCluster();
      stop = () => c.stop();
      for (const url of c.urls) admin.push(new Redis(url));
      for (let i = 0; i < 2; i++) nodes.push(await startNode(c.url, { env: { ...PRESENCE, REDIS_CLUSTER: 'true' }, nodeId: `many${i}c` }));
    } else {
      const r = await startTestRedis();
      stop = () => r.stop();
      admin.push(new Redis(r.url));
      for (let i = 0; i < 2; i++) nodes.push(await startNode(r.url, { env: PRESENCE, nodeId: `many${i}s` }));
    }
    merchants = await seedMerchants(nodes[0]!, MERCHANTS);
  }, 120_000);
  afterAll(async () => {
    for (const page of pages) page.disconnect();
    for (const node of nodes) await node.close();
    for (const client of admin) client.disconnect();
    await stop?.();
  });

  it("a node's Redis connections do not grow with its merchants; boards on both nodes get every event once, in order; presence keeps its bounds", async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    // Pages of a few merchants, then of every merchant, spread over both nodes.
    const open = async (list: Merchant[]) => {
      for (let from = 0; from < list.length; from += 100) {
        pages.push(...await Promise.all(list.slice(from, from + 100).map(async (m, i) => {
          const { socket } = await openPage((i % 2 === 0 ? a : b).url, m.sessionId, m.clientSecret);
          await heartbeat(socket);
          return socket;
        })));
      }
    };
    await open(merchants.slice(0, 10));
    const fewA = await nodeConnections(admin, a.ctx.nodeId);
    const fewB = await nodeConnections(admin, b.ctx.nodeId);
    await open(merchants.slice(10));
    expect(a.ctx.changeFeed.tenantCount + b.ctx.changeFeed.tenantCount).toBeGreaterThanOrEqual(MERCHANTS);
    expect(await nodeConnections(admin, a.ctx.nodeId)).toBe(fewA);
    expect(await nodeConnections(admin, b.ctx.nodeId)).toBe(fewB);
    // At most one per shard for each role: commands and feed (a Cluster client also keeps one
    // connection per node for its slot map), plus one for revocation notices (one global channel).
    expect(fewA).toBeLessThanOrEqual(cluster ? 3 * 3 + 1 : 3);

    // A board on each node for a few merchants; traffic on their sessions through both nodes.
    const watched = merchants.slice(0, WATCHED);
    const boards: Array<{ merchant: Merchant; board: TestBoard; from: string }> = [];
    for (const merchant of watched) {
      const token = await new BoardTokenStore(a.ctx.redis, a.ctx.clock).create(merchant.tenant);
      for (const node of nodes) {
        const board = await openBoard(node.url, await boardCookie(node.url, token));
        await board.hello();
        await eventually(() => expect(board.snapshots).toHaveLength(1));
        boards.push({ merchant, board, from: board.snapshots[0]!.lastEventId });
      }
    }
    await Promise.all(watched.map(async (merchant, i) => {
      const api = apiClient((i % 2 === 0 ? a : b).url, merchant.key);
      for (let round = 0; round < 5; round++) {
        const res = await api.post(`/v1/checkouts/sessions/${merchant.sessionId}/events`, { type: round % 2 === 0 ? 'payment_attempted' : 'payment_failed', ...(round % 2 === 0 ? {} : { code: 'card_declined', message: 'Card declined' }) });
        expect(res.status).toBe(200);
      }
    }));
    for (const { merchant, board, from } of boards) {
      const want = (await readStream(a.ctx.redis, merchant.tenant)).map((e) => e.id).filter((id) => id > from);
      expect(want.length).toBeGreaterThanOrEqual(5);
      await eventually(() => expect(board.events.map((e) => e.id)).toEqual(want));
      board.close();
    }

    // Clean closes of many merchants' pages: each offline once, after the grace and within the
    // timeout. (Grace + 1 s is measured by bench/tenants on a machine that is not also running
    // this whole suite: here two nodes share two cores with every other test file.)
    const closing = merchants.slice(0, 200);
    const closedAt = Date.now();
    for (const page of pages.slice(0, 200)) page.disconnect();
    await eventually(async () => {
      for (const m of closing) {
        const offline = (await readStream(a.ctx.redis, m.tenant)).filter((e) => e.kind === 'went_offline');
        expect(offline).toHaveLength(1);
        const delay = Number(offline[0]!.id.split('-')[0]) - closedAt;
        expect(delay).toBeGreaterThanOrEqual(GRACE_MS);
        expect(delay).toBeLessThanOrEqual(TIMEOUT_MS);
      }
    }, 10_000, 200);
    // The others never flapped.
    for (const m of merchants.slice(200, 400)) {
      expect((await readStream(a.ctx.redis, m.tenant)).filter((e) => e.kind === 'went_offline')).toHaveLength(0);
    }
  });
});
