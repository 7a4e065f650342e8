import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../shared/change-event.js';
import { PAYMENT_METHODS, type CheckoutSession } from '../../shared/session.js';
import { compareStreamIds } from '../../shared/stream-id.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { newMerchant } from '../helpers/api.js';
import { boardCookie, openBoard } from '../helpers/board-client.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';
import { sessionBody } from '../helpers/session-body.js';

/**
 * A snapshot reads its session ids atomically with the stream id, then the sessions in batches
 * while transitions keep landing. Whatever a batch read early, the snapshot plus every event after
 * its id must end exactly where the sessions are.
 */
const suite = useTestNode({ background: false });

describe('board snapshot under churn', { timeout: 120_000 }, () => {
  it('snapshot + later events = the stored sessions, while transitions land during the read', async () => {
    const { node } = suite;
    const { merchantId } = await newMerchant(node.ctx, node.url, 'test');
    const tenant: Tenant = { merchantId, mode: 'test' };
    const prefix = tenantPrefix(tenant);
    const ids: string[] = [];
    for (let i = 0; i < 3_000; i++) ids.push((await node.ctx.sessions.create(tenant, sessionBody({ totalAmount: 100 + i, currency: 'BRL', product: { name: 'Plan' }, domainHost: 'shop.example.org' }), 86_400_000)).id);

    let churning = true;
    let applied = 0;
    const churn = (async () => {
      for (let n = 0; churning; n++) {
        const id = ids[(n * 7919) % ids.length]!;
        const method = PAYMENT_METHODS[n % PAYMENT_METHODS.length]!;
        if (n % 3 === 0) await node.ctx.presence.connect(prefix, id, `tab-${n}`);
        else await node.ctx.lifecycle.applyEvent(tenant, id, n % 3 === 1 ? { type: 'payment_method_selected', method } : { type: 'payment_attempted', method }).catch(() => undefined);
        applied++;
      }
    })();
    const token = await new BoardTokenStore(node.ctx.redis, node.ctx.clock).create(tenant);
    const board = await openBoard(node.url, await boardCookie(node.url, token));
    await board.hello();
    await eventually(() => expect(board.snapshots).toHaveLength(1));
    const atSnapshot = applied;
    await eventually(() => expect(applied).toBeGreaterThan(atSnapshot + 20));
    churning = false;
    await churn;

    const [last] = await node.ctx.redis.xrevrange(keys.stream(prefix), '+', '-', 'COUNT', 1);
    await eventually(() => expect(board.events.at(-1)?.id).toBe(last![0]));
    const snapshot = board.snapshots[0]!;
    const state = new Map<string, Partial<CheckoutSession>>(snapshot.sessions.map((s) => [s.id, s]));
    for (const event of board.events) {
      expect(compareStreamIds(event.id, snapshot.lastEventId)).toBeGreaterThan(0);
      const current = state.get(event.sessionId);
      if (current) state.set(event.sessionId, applyChanges(current, event.changes));
    }
    // Some of what the snapshot read had already moved past its id: the case this test is about.
    expect(board.events.length).toBeGreaterThan(0);
    expect(snapshot.sessions).toHaveLength(ids.length);
    const stored = await node.ctx.sessions.getMany(tenant, ids);
    expect([...state.values()].sort((a, b) => (a.id! < b.id! ? -1 : 1))).toEqual(stored.sort((a, b) => (a.id < b.id ? -1 : 1)));
    board.close();
  });
});
