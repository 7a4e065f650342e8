import { describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { FAST_PRESENCE } from '../helpers/node.js';
import { heartbeat, openPage, type PageSocket } from '../helpers/page.js';
import { presenceFlips, readStream } from '../helpers/stream.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';
import { useTestNode } from '../helpers/suite.js';

// Twice the suite's fast timeout. The pages share this process with the node: on a machine busy with
// the whole suite, a pause of half a second outlasted the transport's pong wait (T/3 - s) and dropped
// a living page, which is not what this file is about.
const TIMINGS = { ...FAST_PRESENCE, PRESENCE_TIMEOUT_MS: '3000' };
const TIMEOUT_MS = Number(TIMINGS.PRESENCE_TIMEOUT_MS);
const INTERVAL_MS = Number(TIMINGS.HEARTBEAT_INTERVAL_MS);

const suite = useTestNode({ env: TIMINGS });

const read = async (api: ApiClient, id: string) => (await api.get<CheckoutSession>(`/v1/checkouts/sessions/${id}`)).body;

describe('Redis restarts mid-traffic', () => {
  it.each([
    ['a clean restart', false],
    ['a crash (SIGKILL)', true],
  ])('after %s no session is stuck online or offline', async (_name, hard) => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const sessions = await Promise.all(Array.from({ length: 12 }, () => createSession(api)));
    // Let the append-only file catch up with the creations (it syncs every second).
    await new Promise((r) => setTimeout(r, 1_200));
    const pages: PageSocket[] = [];
    const networks: TcpProxy[] = [];
    for (const s of sessions) {
      const network = await startTcpProxy(suite.node.port);
      networks.push(network);
      pages.push((await openPage(network.url, s.id, s.clientSecret)).socket);
    }
    let beating = true;
    const beats = (async () => {
      while (beating) {
        for (const page of pages) if (page.connected) page.emit('heartbeat', { visible: true });
        await new Promise((r) => setTimeout(r, INTERVAL_MS));
      }
    })();

    await suite.redis.restart({ hard, downMs: 400 });
    // While Redis was away: four pages closed cleanly, four died silently, four live on.
    for (const page of pages.slice(0, 4)) page.disconnect();
    for (const network of networks.slice(4, 8)) network.freeze();

    const survivors = sessions.slice(8);
    const gone = sessions.slice(0, 8);
    try {
      await eventually(async () => {
        for (const s of gone) expect((await read(api, s.id)).online).toBe(false);
        for (const s of survivors) expect((await read(api, s.id)).online).toBe(true);
      }, TIMEOUT_MS * 3, 50);
      // And it stays that way (nothing flaps once settled).
      await new Promise((r) => setTimeout(r, TIMEOUT_MS));
      for (const s of gone) expect((await read(api, s.id)).online).toBe(false);
      for (const s of survivors) {
        const session = await read(api, s.id);
        expect(session.online).toBe(true);
        expect(Date.now() - Date.parse(session.lastVisitAt!)).toBeLessThan(INTERVAL_MS * 3);
      }
      const events = await readStream(suite.node.ctx.redis, { merchantId, mode: 'test' });
      for (const s of sessions) {
        const flips = presenceFlips(events, s.id);
        flips.forEach((on, i) => expect(on).toBe(i % 2 === 0));
      }
      for (const page of pages.slice(8)) expect(await heartbeat(page)).toMatchObject({ status: 'active' });
    } finally {
      beating = false;
      await beats;
      for (const page of pages) page.disconnect();
      for (const network of networks) await network.close();
    }
  });
});
