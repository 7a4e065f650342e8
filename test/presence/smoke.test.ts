import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

let redis: TestRedis;
let node: TestNode;
beforeAll(async () => {
  redis = await startTestRedis();
  node = await startNode(redis.url);
});
afterAll(async () => {
  await node?.close();
  await redis?.stop();
});

describe('smoke', () => {
  it('creates a session, goes online with a page and offline after a clean close', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const created = await createSession(api);
    expect(created.online).toBe(false);
    const { socket, first } = await openPage(node.url, created.id, created.clientSecret);
    expect(first.status).toBe('active');
    const ack = await heartbeat(socket);
    expect(ack).toMatchObject({ status: 'active' });
    await eventually(async () => {
      const res = await api.get<{ online: boolean; lastVisitAt: string | null }>(`/v1/checkouts/sessions/${created.id}`);
      expect(res.body.online).toBe(true);
      expect(res.body.lastVisitAt).not.toBeNull();
    });
    socket.disconnect();
    await eventually(async () => {
      const res = await api.get<{ online: boolean }>(`/v1/checkouts/sessions/${created.id}`);
      expect(res.body.online).toBe(false);
    }, 3_000);
  });
});
