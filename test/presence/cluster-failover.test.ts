import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage, type PageSocket } from '../helpers/page.js';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster.js';
import { readStream } from '../helpers/stream.js';
import { eventually } from '../helpers/wait.js';

/**
 * A master fails over at Redis's default cluster-node-timeout (15 s): its shard is away for longer
 * than any lease, yet no living page goes offline. A Cluster client losing one shard never
 * reconnects as a whole, so the sweep itself holds that shard's lapsed leases back once it answers
 * again, until every node has renewed its pages there.
 */
const NODE_TIMEOUT_MS = 15_000;
let cluster: TestCluster;
let node: TestNode;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 1, nodeTimeoutMs: NODE_TIMEOUT_MS });
  node = await startNode(cluster.url, { env: { REDIS_CLUSTER: 'true', REDIS_COMMAND_TIMEOUT_MS: '750' } });
}, 60_000);
afterAll(async () => {
  await node?.close();
  await cluster?.stop();
});

describe('a Cluster master failing over at the default node timeout', () => {
  it('flaps no living page offline, on the failed shard or any other', { timeout: 90_000 }, async () => {
    const merchants = await Promise.all(Array.from({ length: 12 }, async () => {
      const merchant = await newMerchant(node.ctx, node.url);
      const tenant: Tenant = { merchantId: merchant.merchantId, mode: 'test' };
      const session = await createSession(merchant.api);
      const { socket } = await openPage(node.url, session.id, session.clientSecret);
      await heartbeat(socket);
      return { tenant, session, socket: socket as PageSocket, master: await cluster.masterOf(`${tenantPrefix(tenant)}x`) };
    }));
    const victim = merchants[0]!.master;
    const onVictim = merchants.filter((m) => m.master === victim);
    const timer = setInterval(() => {
      for (const m of merchants) m.socket.emit('heartbeat', { visible: true });
    }, 200);
    try {
      await victim.stop('SIGKILL');
      await eventually(async () => expect(await cluster.masterOf(`${tenantPrefix(onVictim[0]!.tenant)}x`)).not.toBe(victim), NODE_TIMEOUT_MS * 3, 200);
      // Past the hold-back and several sweeps on the promoted master.
      await new Promise((r) => setTimeout(r, 5_000));
    } finally {
      clearInterval(timer);
    }
    for (const m of merchants) {
      const events = await eventually(() => readStream(node.ctx.redis, m.tenant), 10_000, 200);
      expect(events.filter((e) => e.sessionId === m.session.id && e.kind === 'went_offline'), `${m.session.id} on the failed shard: ${m.master === victim}`).toEqual([]);
    }
    for (const m of merchants) m.socket.close();
  });
});
