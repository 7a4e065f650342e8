/**
 * The figures of the hardening issue (#16), measured on a private redis-server and in-process nodes:
 *   - a viewer's hello flood: 60 hellos from one cookie on a 4,700-session merchant (peak RSS, bytes sent)
 *   - a page flood: 2,000 alternating payment_method_selected events in about a second (events written)
 *   - revocation: time from `board-tokens revoke` on one node to the board's socket ending on another
 * Run: npx tsx scripts/hardening-figures.ts   (prints one JSON line per figure)
 */
import { io } from 'socket.io-client';
import { BoardTokenStore } from '../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../server/store/keys.js';
import { createSession, newMerchant } from '../test/helpers/api.js';
import { boardCookie, openBoard } from '../test/helpers/board-client.js';
import { startNode } from '../test/helpers/node.js';
import { openPage } from '../test/helpers/page.js';
import { startTestRedis } from '../test/helpers/redis.js';
import { createSessionBody } from '../shared/session.js';

const SLOW_PINGS = { HEARTBEAT_INTERVAL_MS: '10000', PRESENCE_TIMEOUT_MS: '30000', OFFLINE_GRACE_MS: '5000' };
const MB = 1024 * 1024;

async function main(): Promise<void> {
  const redis = await startTestRedis();
  const a = await startNode(redis.url, { env: SLOW_PINGS, background: false });
  const b = await startNode(redis.url, { env: SLOW_PINGS, background: false });
  try {
    // 1. Hello flood.
    const { merchantId } = await newMerchant(a.ctx, a.url);
    const tenant: Tenant = { merchantId, mode: 'test' };
    for (let i = 0; i < 4_700; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => a.ctx.sessions.create(tenant, createSessionBody.parse({
        totalAmount: 1_000 + i + j, currency: 'BRL', product: { name: 'Pro license' }, domainHost: 'shop.example.com', customer: { email: `shopper${i + j}@example.com` },
      }), 86_400_000)));
    }
    const cookie = await boardCookie(a.url, await new BoardTokenStore(a.ctx.redis, a.ctx.clock).create(tenant));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let bytes = 0;
    let snapshots = 0;
    const sockets = await Promise.all(Array.from({ length: 60 }, async () => {
      const board = await openBoard(a.url, cookie);
      board.socket.on('snapshot', (s) => {
        snapshots++;
        // Every snapshot of this merchant is the same size: measure one, count the rest.
        bytes ||= JSON.stringify(s).length;
      });
      return board;
    }));
    const started = Date.now();
    const replies = await Promise.all(sockets.map((s) => s.socket.timeout(120_000).emitWithAck('hello', {}).catch(() => undefined)));
    const accepted = replies.filter((r) => r && !('error' in r)).length;
    // Every accepted hello's snapshot delivered (or a minute passed).
    for (let waited = 0; snapshots < accepted && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    clearInterval(sampler);
    for (const s of sockets) s.close();
    console.log(JSON.stringify({
      figure: 'hello flood (60 hellos, one viewer cookie, 4,700 sessions)', hellosAccepted: accepted, snapshotsSent: snapshots, mbSent: Math.round((bytes * snapshots) / MB),
      rssBeforeMb: Math.round(rssBefore / MB), rssPeakMb: Math.round(peak / MB), ms: Date.now() - started,
    }));

    // 2. Page flood.
    const m = await newMerchant(a.ctx, a.url);
    const session = await createSession(m.api);
    const { socket } = await openPage(a.url, session.id, session.clientSecret);
    const stream = keys.stream(tenantPrefix({ merchantId: m.merchantId, mode: 'test' }));
    const before = await a.ctx.redis.xlen(stream);
    const floodStart = Date.now();
    const acks: Array<Promise<unknown>> = [];
    for (let i = 0; i < 2_000; i++) {
      acks.push(socket.timeout(30_000).emitWithAck('payment_method_selected', { method: i % 2 ? 'pix' : 'credit_card' }).catch(() => undefined));
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 45));
    }
    const sentInMs = Date.now() - floodStart;
    const answers = await Promise.all(acks);
    const acceptedEvents = answers.filter((x) => x && typeof x === 'object' && !('error' in x)).length;
    console.log(JSON.stringify({ figure: 'page flood (2,000 alternating events)', sentInMs, accepted: acceptedEvents, eventsWritten: (await a.ctx.redis.xlen(stream)) - before }));
    socket.disconnect();

    // 3. Revocation reaching an open board on another node.
    const r = await newMerchant(a.ctx, a.url);
    const tokens = new BoardTokenStore(b.ctx.redis, b.ctx.clock);
    const token = await tokens.create({ merchantId: r.merchantId, mode: 'test' });
    const board = await openBoard(a.url, await boardCookie(a.url, token));
    await board.hello();
    const ended = new Promise<number>((resolve) => board.socket.once('disconnect', () => resolve(Date.now())));
    const revokedAt = Date.now();
    await tokens.revoke(token);
    const limitMs = 40_000;
    const at = await Promise.race([ended, new Promise<undefined>((r2) => setTimeout(() => r2(undefined), limitMs))]);
    console.log(JSON.stringify({ figure: 'revoked board cut off', ms: at === undefined ? `not cut off after ${limitMs} ms` : at - revokedAt }));
    board.close();
    void io;
  } finally {
    await a.close();
    await b.close();
    await redis.stop();
  }
}

void main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
