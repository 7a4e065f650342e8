import { describe, expect, it } from 'vitest';
import type { BoardWelcome } from '../../shared/board-socket.js';
import type { AckError } from '../../shared/checkout-socket.js';
import { HELLO_BUDGET, MAX_REPLAY_EVENTS, SNAPSHOT_BUDGET } from '../../server/realtime/board/board-namespace.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard, type TestBoard } from '../helpers/board-client.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';

// Default presence timings: a busy test process must not trip the fast test pings.
const suite = useTestNode({ background: false, env: { HEARTBEAT_INTERVAL_MS: '10000', PRESENCE_TIMEOUT_MS: '30000', OFFLINE_GRACE_MS: '5000' } });

async function viewerOf(tenant: Tenant): Promise<string> {
  const token = await new BoardTokenStore(suite.node.ctx.redis, suite.node.ctx.clock).create(tenant);
  return boardCookie(suite.node.url, token);
}

const refused = (reply: BoardWelcome | AckError) => 'error' in reply ? reply.error.code : 'ok';

async function commandCalls(name: string): Promise<number> {
  const info = await suite.node.ctx.redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

describe('a board cannot exhaust a node (finding 1)', () => {
  it('60 hellos from one viewer cookie: a bounded number of snapshots is sent, the rest refused', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    for (let i = 0; i < 20; i++) await createSession(api);
    const cookie = await viewerOf({ merchantId, mode: 'test' });
    const boards: TestBoard[] = [];
    for (let i = 0; i < 20; i++) boards.push(await openBoard(suite.node.url, cookie));
    const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => boards[i % boards.length]!.hello()));
    const sent = replies.filter((r) => refused(r) === 'ok').length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(SNAPSHOT_BUDGET.burst + 1);
    expect(replies.filter((r) => refused(r) !== 'ok').every((r) => refused(r) === 'tooManyRequests')).toBe(true);
    await eventually(() => expect(boards.reduce((n, b) => n + b.snapshots.length, 0)).toBe(sent));
    for (const board of boards) board.close();
  });

  it('one socket may say hello a few times, not in a loop', async () => {
    const { merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const board = await openBoard(suite.node.url, await viewerOf({ merchantId, mode: 'test' }));
    const replies: string[] = [];
    for (let i = 0; i < 10; i++) replies.push(refused(await board.hello()));
    expect(replies.filter((r) => r === 'ok').length).toBeLessThanOrEqual(HELLO_BUDGET.burst + 1);
    expect(replies.slice(-3)).toEqual(['tooManyRequests', 'tooManyRequests', 'tooManyRequests']);
    board.close();
  });

  it('a resume from further back than a replay carries gets a snapshot instead', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    const tenant: Tenant = { merchantId, mode: 'test' };
    const session = await createSession(api);
    const [oldest] = await suite.node.ctx.redis.xrange(keys.stream(tenantPrefix(tenant)), '-', '+', 'COUNT', 1);
    for (let i = 0; i < MAX_REPLAY_EVENTS + 10; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) =>
        suite.node.ctx.lifecycle.applyEvent(tenant, session.id, { type: 'payment_method_selected', method: (i + j) % 2 ? 'pix' : 'boleto' })));
    }
    const cookie = await viewerOf(tenant);
    const far = await openBoard(suite.node.url, cookie);
    expect(await far.hello({ lastEventId: oldest![0] })).toMatchObject({ resumed: false });
    await eventually(() => expect(far.snapshots).toHaveLength(1));
    expect(far.events).toHaveLength(0);

    const [, near] = await suite.node.ctx.redis.xrevrange(keys.stream(tenantPrefix(tenant)), '+', '-', 'COUNT', 2);
    const close = await openBoard(suite.node.url, cookie);
    expect(await close.hello({ lastEventId: near![0] })).toMatchObject({ resumed: true });
    await eventually(() => expect(close.events).toHaveLength(1));
    expect(close.snapshots).toHaveLength(0);

    const future = await openBoard(suite.node.url, cookie);
    expect(await future.hello({ lastEventId: '99999999999999-0' })).toMatchObject({ resumed: false });
    for (const board of [far, close, future]) board.close();
  });

  it('boards of one merchant asking together share one snapshot read', async () => {
    const { api, merchantId } = await newMerchant(suite.node.ctx, suite.node.url);
    for (let i = 0; i < 40; i++) await createSession(api);
    const tenant: Tenant = { merchantId, mode: 'test' };
    const boards: TestBoard[] = [];
    for (let i = 0; i < 8; i++) boards.push(await openBoard(suite.node.url, await viewerOf(tenant)));
    const before = await commandCalls('hgetall');
    const replies = await Promise.all(boards.map((b) => b.hello()));
    expect(replies.every((r) => refused(r) === 'ok')).toBe(true);
    await eventually(() => expect(boards.every((b) => b.snapshots.length === 1)).toBe(true));
    // Eight boards, 40 sessions: one read of 40 (two if a hello came after the first read ended), not eight.
    expect((await commandCalls('hgetall')) - before).toBeLessThanOrEqual(80);
    for (const board of boards) board.close();
  });
});
