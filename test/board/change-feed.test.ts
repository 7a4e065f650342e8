import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../shared/change-event.js';
import { tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';

const suite = useTestNode();

describe('the change feed', () => {
  it('listeners joining at once, from now or from an older id, each get every later event once and in order', async () => {
    const { node } = suite;
    const { api, merchantId } = await newMerchant(node.ctx, node.url);
    const prefix = tenantPrefix({ merchantId, mode: 'test' });
    const before = await createSession(api);
    const firstId = (await node.ctx.redis.xrange(`${prefix}events`, '-', '+'))[0]![0];
    const seen: ChangeEvent[][] = [[], [], [], []];
    // Several subscribers in the same tick, before the reader has pinned where "now" is.
    const stops = [
      node.ctx.changeFeed.subscribe(prefix, (e) => seen[0]!.push(...e)),
      node.ctx.changeFeed.subscribe(prefix, (e) => seen[1]!.push(...e)),
      node.ctx.changeFeed.subscribe(prefix, (e) => seen[2]!.push(...e), '0-0'),
      node.ctx.changeFeed.subscribe(prefix, (e) => seen[3]!.push(...e), firstId),
    ];
    const after = await Promise.all(Array.from({ length: 5 }, () => createSession(api)));
    const afterIds = after.map((s) => s.id).sort();
    await eventually(() => {
      for (const list of seen.slice(0, 2)) expect(list.map((e) => e.sessionId).sort()).toEqual(afterIds);
      expect(seen[2]!.map((e) => e.sessionId).sort()).toEqual([before.id, ...afterIds].sort());
      expect(seen[3]!.map((e) => e.sessionId).sort()).toEqual(afterIds);
    });
    for (const list of seen) {
      const ids = list.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    }
    for (const stop of stops) stop();
  });
});
