import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSessionsQuery } from '../../shared/list-query.js';
import type { CheckoutSession } from '../../shared/session.js';
import { loadConfig } from '../../server/config.js';
import { createAppContext } from '../../server/create-app-context.js';
import { createLogger } from '../../server/log.js';
import { startRedisServer } from '../../server/redis/embedded.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { listSessions } from '../../server/store/list/sessions-list.js';
import { decodeSession, type SessionHash } from '../../server/store/session-codec.js';
import { oracleList } from '../../test/list/oracle.js';
import { SessionImporter } from '../../server/store/import/session-import.js';
import { rng } from '../../test/helpers/rng.js';
import { makeSession, toImportRecord } from './data.js';

/**
 * The oracle at benchmark scale (`npm run bench -- list --verify`): bitmaps spanning many chunks,
 * deep offsets. Seeds `--sessions` (default 100,000) and compares queries with a plain filter.
 */
export async function verifyAtScale(count: number): Promise<{ queries: number; mismatches: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-verify-'));
  const server = await startRedisServer({ dir, persist: false });
  const config = loadConfig({ LOG_LEVEL: 'silent', REDIS_URL: server.url });
  const ctx = await createAppContext(config, { redisUrl: server.url, logger: createLogger('silent') });
  const tenant: Tenant = { merchantId: 'verify', mode: 'live' };
  const prefix = tenantPrefix(tenant);
  const now = Date.UTC(2026, 5, 8, 12);
  const r = rng(5);
  const importer = new SessionImporter(ctx.storeContext, config.abandonAfterMs);
  for (let i = 0; i < count; i += 250) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 250); j++) {
      const s = makeSession(r, j, count, now, 30);
      // A few late arrivals, as clock skew between nodes makes them.
      if (r.chance(0.002)) s.createdAt -= r.int(1, 3_600_000);
      batch.push(toImportRecord(s));
    }
    await importer.import(tenant, batch);
  }
  const members = await ctx.redis.zrange(`${prefix}i:order`, '0', '-1');
  const all: CheckoutSession[] = [];
  for (let i = 0; i < members.length; i += 1000) {
    const ids = members.slice(i, i + 1000).map((m) => `sess_${m.slice(0, 20)}`);
    const hashes = await Promise.all(ids.map((id) => ctx.redis.hgetall(keys.session(prefix, id))));
    hashes.forEach((h, k) => all.push(decodeSession(ids[k] as string, 'live', h as SessionHash)));
  }
  const shapes = ['status=completed', 'status=failed', 'language=es&source=api', 'totalAmountGte=10000&totalAmountLte=20000',
    'online=false', 'paymentstepgte=2&status=expired', `updatedAtGte=${new Date(now - 5 * 86_400_000).toISOString()}`,
    `daterange=${new Date(now - 3 * 86_400_000).toISOString().slice(0, 10)}&status=completed`,
    `daterangegte=${new Date(now - 20 * 86_400_000).toISOString()}&daterangelt=${new Date(now - 2 * 86_400_000).toISOString()}&language=es`,
    `daterangegt=${new Date(now - 25 * 86_400_000).toISOString()}&source=api&online=false`];
  const mismatches: string[] = [];
  let queries = 0;
  for (const shape of shapes) {
    for (const sort of ['ascending', 'descending']) {
      for (const offset of [0, 1, 999, 5000, 12_345, 30_000, 60_000]) {
        const params = Object.fromEntries(new URLSearchParams(`${shape}&sort=${sort}&offset=${offset}&limit=${r.int(1, 100)}`));
        const query = listSessionsQuery.parse(params);
        const page = await listSessions(ctx.storeContext, tenant, query);
        const expected = oracleList(all, query);
        queries++;
        const got = { total: page.total, ids: page.sessions.map((s) => s.id) };
        if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push(`${JSON.stringify(params)} via ${page.strategy}`);
      }
    }
  }
  ctx.redis.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  return { queries, mismatches };
}
