import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { apiClient, createSession, newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage } from '../helpers/page.js';
import { startTestCluster, type TestCluster } from '../helpers/redis-cluster.js';
import { eventually } from '../helpers/wait.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { importRecord, SessionImporter } from '../../server/store/import/session-import.js';

let cluster: TestCluster;
const nodes: TestNode[] = [];
beforeAll(async () => {
  cluster = await startTestCluster();
  for (let i = 0; i < 2; i++) nodes.push(await startNode(cluster.url, { env: { REDIS_CLUSTER: 'true' } }));
});
afterAll(async () => {
  for (const node of nodes) await node.close();
  await cluster?.stop();
});

describe('on a Redis Cluster', () => {
  it('tenants spread over the slots; every script stays in one slot; presence flips as on one Redis', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    // Several merchants, so their hash tags land on different masters.
    const merchants = await Promise.all(Array.from({ length: 6 }, () => newMerchant(a.ctx, a.url)));
    for (const { api, key } of merchants) {
      const throughB = apiClient(b.url, key);
      const session = await createSession(api);
      const { socket } = await openPage(a.url, session.id, session.clientSecret);
      expect(await heartbeat(socket)).toMatchObject({ status: 'active' });
      await eventually(async () => expect((await throughB.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body.online).toBe(true));
      socket.disconnect();
      await eventually(async () => expect((await throughB.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body.online).toBe(false), 3_000);
    }
  });

  it('an import restores whole hashes on the master that holds the tenant, read back through another node', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    const { merchantId, api } = await newMerchant(a.ctx, a.url);
    const source = await createSession(api);
    const exported = (await a.ctx.sessions.getWithTimeline({ merchantId, mode: 'test' }, source.id))!;
    const target: Tenant = { merchantId: (await newMerchant(a.ctx, a.url)).merchantId, mode: 'test' };
    const importer = new SessionImporter(a.ctx.storeContext, a.ctx.config.abandonAfterMs);
    expect(await importer.import(target, [importRecord(exported)])).toEqual({ imported: 1, skipped: [] });
    const key = keys.session(tenantPrefix(target), source.id);
    expect(await b.ctx.redis.object('ENCODING', key)).toBe('listpack');
    expect(await b.ctx.sessions.get(target, source.id)).toEqual({ ...(await a.ctx.sessions.get({ merchantId, mode: 'test' }, source.id)), online: false });
  });
});
