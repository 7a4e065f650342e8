import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSessionsQuery } from '../../shared/list-query.js';
import { ManualClock } from '../../server/clock.js';
import { tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { listSessions } from '../../server/store/list/sessions-list.js';
import { runScript } from '../../server/store/scripts.js';
import { newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { infoField, startReplica, type TestReplica } from '../helpers/redis-replica.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { rng } from '../helpers/rng.js';
import { eventually } from '../helpers/wait.js';
import { seedDataSet } from './oracle-data.js';

/**
 * A list call is a read: whatever scratch bitmaps the planner builds for a range, nothing reaches
 * the append-only file or a replica, and nothing outlives the call, not even when it fails midway.
 */
let redis: TestRedis;
let replica: TestReplica;
let node: TestNode;
let tenant: Tenant;
const clock = new ManualClock(Date.UTC(2026, 0, 10, 12));
const BASE = Date.UTC(2026, 0, 10);
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  redis = await startTestRedis(); // appendonly yes
  replica = await startReplica(redis.port);
  node = await startNode(redis.url, { clock, background: false });
  tenant = { merchantId: (await newMerchant(node.ctx, node.url, 'live')).merchantId, mode: 'live' };
  await seedDataSet(node, clock, rng(11), tenant, 700, 'mostly');
  // The primary pings its replicas through the replication stream: not while this file runs.
  await node.ctx.redis.config('SET', 'repl-ping-replica-period', '3600');
}, 120_000);
afterAll(async () => {
  await node?.close();
  await replica?.stop();
  await redis?.stop();
});

/** Every range shape the planner knows, alone and with other filters. */
const QUERIES: Array<Record<string, string>> = [
  { totalAmountGte: '10000', totalAmountLte: '30099' },
  { totalAmountGte: '20000' },
  { totalAmountLte: '15000', sort: 'ascending', offset: '7' },
  { updatedAtGte: at(BASE + 4 * 24 * HOUR + 12 * HOUR) },
  { updatedAtLte: at(BASE + 4 * 24 * HOUR + 6 * HOUR), limit: '100' },
  { expiresAtGte: at(BASE + 24 * HOUR), expiresAtLte: at(BASE + 2 * 24 * HOUR) },
  { completedAtGte: at(BASE + 4 * 24 * HOUR + 3 * HOUR) },
  { completedAtLte: at(BASE + 4 * 24 * HOUR + 20 * HOUR), status: 'completed' },
  { abandonedAtGte: at(BASE + 4 * 24 * HOUR), abandonedAtLte: at(BASE + 5 * 24 * HOUR), limit: '5' },
  { lastVisitAtGte: at(BASE + 4 * 24 * HOUR + 8 * HOUR) },
  { renewalCountGte: '1' },
  { attemptcountgte: '2', attemptcountlte: '3' },
  { paymentstepgte: '1', paymentsteplte: '3', online: 'false' },
  { daterangegte: at(BASE + 20 * HOUR), daterangelte: at(BASE + 30 * HOUR) },
  { daterangegte: at(BASE + 10 * HOUR), totalAmountGte: '5000', online: 'false', sort: 'ascending' },
  { status: 'completed,failed', totalAmountLte: '40000', language: 'en', offset: '3' },
  { status: 'abandoned', recoverySent: 'true', abandonedAtGte: at(BASE + 4 * 24 * HOUR + 2 * HOUR) },
  { online: 'false', updatedAtGte: at(BASE + 4 * 24 * HOUR), expiresAtLte: at(BASE + 3 * 24 * HOUR), totalAmountGte: '1' },
];

interface Footprint { aofCurrent: number; aofBase: number; replOffset: number; replicaOffset: number }

/** What the primary has written to its AOF and replication stream, once the replica has it all. */
async function footprint(): Promise<Footprint> {
  return eventually(async () => {
    const persistence = await node.ctx.redis.info('persistence');
    const replication = await node.ctx.redis.info('replication');
    const replicaOffset = infoField(await replica.client.info('replication'), 'slave_repl_offset');
    const replOffset = infoField(replication, 'master_repl_offset');
    if (replicaOffset !== replOffset) throw new Error(`replica at ${replicaOffset}, primary at ${replOffset}`);
    if (infoField(persistence, 'aof_rewrite_in_progress') !== 0) throw new Error('AOF rewrite under way');
    return { aofCurrent: infoField(persistence, 'aof_current_size'), aofBase: infoField(persistence, 'aof_base_size'), replOffset, replicaOffset };
  }, 10_000);
}

async function scratchKeys(): Promise<string[]> {
  const pattern = `${tenantPrefix(tenant)}i:tmp*`;
  return [...(await node.ctx.redis.keys(pattern)), ...(await replica.client.keys(pattern))];
}

describe('a list call writes nothing', { timeout: 60_000 }, () => {
  it('appends nothing to the AOF and replicates nothing, for every range shape', async () => {
    const before = await footprint();
    const strategies = new Set<string>();
    let matched = 0;
    for (const params of QUERIES) {
      const page = await listSessions(node.ctx.storeContext, tenant, listSessionsQuery.parse(params));
      strategies.add(page.strategy);
      if (page.total > 0) matched++;
    }
    // The queries did select, through the paths that build scratch bitmaps.
    expect(matched).toBeGreaterThan(QUERIES.length / 2);
    expect(strategies).toContain('ordinal-walk');
    expect(await footprint()).toEqual(before);
    expect(await scratchKeys()).toEqual([]);
  });

  it('leaves no scratch key and writes nothing when the call fails midway', async () => {
    const before = await footprint();
    // An amount range builds its scratch bitmaps first; the lastVisitAt bound after it is no number,
    // so Redis refuses the ZCOUNT that follows.
    const input = { o: 0, l: 20, d: 1, eq: [], any: [], ct: [], rg: [['amt', 1000, 30000], ['lv', 'soon', null]] };
    await expect(runScript(node.ctx.redis, 'listSessions', [tenantPrefix(tenant)], [JSON.stringify(input)])).rejects.toThrow(/float/);
    expect(await scratchKeys()).toEqual([]);
    expect(await footprint()).toEqual(before);
  });
});
