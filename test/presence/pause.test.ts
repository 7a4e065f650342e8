import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, newMerchant } from '../helpers/api.js';
import { FAST_PRESENCE, startNode, type TestNode } from '../helpers/node.js';
import { startNodeProcess } from '../helpers/node-process.js';
import { heartbeat, openPage, type PageSocket } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { presenceFlips, readStream } from '../helpers/stream.js';
import { eventually } from '../helpers/wait.js';

const TIMEOUT_MS = Number(FAST_PRESENCE.PRESENCE_TIMEOUT_MS);

let redis: TestRedis;
let b: TestNode;
beforeAll(async () => {
  redis = await startTestRedis();
  b = await startNode(redis.url, { nodeId: 'pause-b' });
});
afterAll(async () => {
  await b?.close();
  await redis?.stop();
});

describe('a node paused past its lease (SIGSTOP, as a long GC pause or a frozen VM)', () => {
  it('resumes without bringing back the pages that closed meanwhile, and no living page flips', async () => {
    const a = await startNodeProcess(redis.url);
    const { api, merchantId } = await newMerchant(b.ctx, b.url);
    const tenant = { merchantId, mode: 'test' as const };
    const dead = await Promise.all(Array.from({ length: 10 }, () => createSession(api)));
    const living = await Promise.all(Array.from({ length: 5 }, () => createSession(api)));
    const deadPages: PageSocket[] = [];
    for (const s of dead) {
      const { socket } = await openPage(a.url, s.id, s.clientSecret);
      await heartbeat(socket);
      deadPages.push(socket);
    }
    const livingPages: PageSocket[] = [];
    for (const s of living) {
      const { socket } = await openPage(b.url, s.id, s.clientSecret);
      await heartbeat(socket);
      livingPages.push(socket);
    }

    a.child.kill('SIGSTOP');
    // The tabs close while their node is frozen: their closes wait in its sockets' buffers.
    for (const page of deadPages) page.disconnect();
    // Longer than a lease: the other node's sweep finds the lapsed leases.
    await eventually(async () => {
      const events = await readStream(b.ctx.redis, tenant);
      for (const s of dead) expect(presenceFlips(events, s.id)).toEqual([true, false]);
    }, TIMEOUT_MS * 3, 50);
    await new Promise((r) => setTimeout(r, TIMEOUT_MS));
    a.child.kill('SIGCONT');
    // Time for the resumed node's overdue renewals, its closes and a few sweeps.
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 2));

    const events = await readStream(b.ctx.redis, tenant);
    for (const s of dead) expect(presenceFlips(events, s.id)).toEqual([true, false]);
    for (const s of living) expect(presenceFlips(events, s.id)).toEqual([true]);
    for (const page of livingPages) page.disconnect();
    await a.kill('SIGKILL');
  });
});
