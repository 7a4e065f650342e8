import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listSessionsQuery, type ListSessionsResponse } from '../../shared/list-query.js';
import type { CheckoutSession, SessionWithTimeline } from '../../shared/session.js';
import { ManualClock } from '../../server/clock.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';
import { toChangeEvent } from '../../server/store/change-stream.js';
import { importRecord, SessionImporter } from '../../server/store/import/session-import.js';
import { newMerchant } from '../helpers/api.js';
import { readStream } from '../helpers/stream.js';
import { useTestNode } from '../helpers/suite.js';
import { oracleList } from './oracle.js';
import { rng } from '../helpers/rng.js';
import { randomParams, seedDataSet, validOnly } from './oracle-data.js';

/**
 * Imports write the same sessions, timers and list indexes as the transitions do, a batch per call:
 * sessions built through the real scripts in one tenant, exported through the API and imported
 * into another (in shuffled batches of random sizes) list exactly as a plain filter says.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const clock = new ManualClock(Date.UTC(2026, 0, 10, 12));
const ABANDON_AFTER_MS = 30 * 60_000;
const suite = useTestNode({ clock, background: false, env: { ABANDON_AFTER_MS: String(ABANDON_AFTER_MS) } });
const scratch = mkdtempSync(join(tmpdir(), 'cp-import-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const importer = () => new SessionImporter(suite.node.ctx.storeContext, ABANDON_AFTER_MS);

function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function exportAll(tenant: Tenant, ids: readonly string[]): Promise<SessionWithTimeline[]> {
  const out: SessionWithTimeline[] = [];
  for (const id of ids) out.push((await suite.node.ctx.sessions.getWithTimeline(tenant, id))!);
  return out;
}

describe('importing sessions', { timeout: 180_000 }, () => {
  it('lists imported sessions exactly as a plain filter over them says, batches in any order', async () => {
    const { node } = suite;
    const r = rng(23);
    const source: Tenant = { merchantId: (await newMerchant(node.ctx, node.url, 'live')).merchantId, mode: 'live' };
    const created = await seedDataSet(node, clock, r, source, 600, 'random');
    const exported = await exportAll(source, created.map((s) => s.id));

    const { merchantId, api } = await newMerchant(node.ctx, node.url, 'live');
    const target: Tenant = { merchantId, mode: 'live' };
    const streamBefore = (await readStream(node.ctx.redis, target)).length;
    const pending = shuffle(exported.map((s) => importRecord(s)), r.next);
    let imported = 0;
    while (pending.length > 0) imported += (await importer().import(target, pending.splice(0, r.int(1, 97)))).imported;
    expect(imported).toBe(exported.length);

    // The same sessions, offline (presence is live only), each with its history and an `imported` entry.
    const all = await node.ctx.sessions.getMany(target, exported.map((s) => s.id));
    const expected = created.map((s): CheckoutSession => ({ ...s, online: false }));
    expect(all).toEqual(expected);
    const one = (await node.ctx.sessions.getWithTimeline(target, exported[0]!.id))!;
    expect(one.timeline.map((e) => e.type)).toEqual([...exported[0]!.timeline.map((e) => e.type), 'imported']);
    // One `imported` event per session, carrying the whole session.
    const events = (await readStream(node.ctx.redis, target)).slice(streamBefore);
    expect(events.filter((e) => e.kind === 'imported').map((e) => e.sessionId).sort()).toEqual(exported.map((s) => s.id).sort());
    const patch = toChangeEvent((await node.ctx.redis.xrange(keys.stream(tenantPrefix(target)), events[0]!.id, events[0]!.id))[0]!)!.changes;
    const whole = expected.find((s) => s.id === events[0]!.sessionId)!;
    expect(patch).toMatchObject({ status: whole.status, totalAmount: whole.totalAmount, createdAt: whole.createdAt, online: false });

    let checked = 0;
    let nonEmpty = 0;
    while (checked < 800) {
      const params = randomParams(r, all);
      if (!validOnly(params)) continue;
      const query = listSessionsQuery.parse(params);
      const want = oracleList(all, query);
      const res = await api.get<ListSessionsResponse>(`/v1/checkouts/sessions?${new URLSearchParams(params).toString()}`);
      expect(res.status, JSON.stringify(params)).toBe(200);
      expect({ total: res.body.total, ids: res.body.data.map((s) => s.id) }, JSON.stringify(params)).toEqual(want);
      checked++;
      if (want.total > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(checked / 3);

    // Importing again changes nothing: every id is skipped, no event is written.
    const again = await importer().import(target, exported.map((s) => importRecord(s)));
    expect(again).toEqual({ imported: 0, skipped: expect.arrayContaining(exported.map((s) => s.id)) });
    expect((await readStream(node.ctx.redis, target)).length).toBe(streamBefore + exported.length);
  });

  it('imports metadata: returned as given and filterable, from the batch\'s bits and sets alike', async () => {
    const { node } = suite;
    const { merchantId, api } = await newMerchant(node.ctx, node.url, 'live');
    const tenant: Tenant = { merchantId, mode: 'live' };
    // Twelve share a value (laid out as bits), each has its own order (a set of one).
    const sessions = Array.from({ length: 20 }, (_, i) => sample({ id: idOf(0x200 + i), metadata: { order: `B-${i}`, ...(i < 12 ? { channel: 'email' } : {}) } }));
    expect(await importer().import(tenant, sessions.map((s) => importRecord(s)))).toEqual({ imported: 20, skipped: [] });
    expect((await node.ctx.sessions.get(tenant, sessions[3]!.id))?.metadata).toEqual({ order: 'B-3', channel: 'email' });
    const email = await api.get<ListSessionsResponse>('/v1/checkouts/sessions?metadata[channel]=email&limit=100&sort=ascending');
    expect(email.body.data.map((s) => s.id)).toEqual(sessions.slice(0, 12).map((s) => s.id));
    const one = await api.get<ListSessionsResponse>('/v1/checkouts/sessions?metadata[order]=B-15');
    expect(one.body.data.map((s) => s.id)).toEqual([sessions[15]!.id]);
  });

  it('a duplicate within one batch is imported once', async () => {
    const { node } = suite;
    const { merchantId } = await newMerchant(node.ctx, node.url, 'live');
    const tenant: Tenant = { merchantId, mode: 'live' };
    const session = sample({ id: idOf(1) });
    const result = await importer().import(tenant, [importRecord(session), importRecord({ ...session, totalAmount: 1 })]);
    expect(result).toEqual({ imported: 1, skipped: [session.id] });
    expect((await node.ctx.sessions.get(tenant, session.id))?.totalAmount).toBe(session.totalAmount);
  });

  it('imports into a Redis that has lost its scripts (a restart, SCRIPT FLUSH): the script is loaded again', async () => {
    const { node } = suite;
    const { merchantId } = await newMerchant(node.ctx, node.url, 'live');
    const tenant: Tenant = { merchantId, mode: 'live' };
    await node.ctx.redis.script('FLUSH');
    const session = sample({ id: idOf(0xc1) });
    expect(await importer().import(tenant, [importRecord(session)])).toEqual({ imported: 1, skipped: [] });
    expect(await node.ctx.sessions.get(tenant, session.id)).toEqual({ ...session, online: false });
  });

  it('a session too large for a compact hash is written field by field, beside restored ones', async () => {
    const { node } = suite;
    const { merchantId } = await newMerchant(node.ctx, node.url, 'live');
    const tenant: Tenant = { merchantId, mode: 'live' };
    const prefix = tenantPrefix(tenant);
    // A server with Redis's default hash-max-listpack-value (64; the embedded one keeps 256): the
    // long product name has no DUMP payload, as HSET would not keep it in a listpack either.
    const large = sample({ id: idOf(0xb1), product: { id: null, name: 'Yearly plan '.repeat(8).trim(), quantity: 1 } });
    const small = sample({ id: idOf(0xb2) });
    await node.ctx.redis.config('SET', 'hash-max-listpack-value', '64');
    try {
      expect((await importer().import(tenant, [importRecord(large), importRecord(small)])).imported).toBe(2);
    } finally {
      await node.ctx.redis.config('SET', 'hash-max-listpack-value', '256');
    }
    expect(await node.ctx.sessions.getMany(tenant, [large.id, small.id])).toEqual([{ ...large, online: false }, { ...small, online: false }]);
    expect(await node.ctx.redis.object('ENCODING', keys.session(prefix, large.id))).toBe('hashtable');
    expect(await node.ctx.redis.object('ENCODING', keys.session(prefix, small.id))).toBe('listpack');
    // Either way the hash carries its ordinal, as a transition's would.
    const ordinals = await Promise.all([large.id, small.id].map((id) => node.ctx.redis.hget(keys.session(prefix, id), 'n')));
    expect(ordinals.map(Number).every((n) => n > 0)).toBe(true);
  });

  it('imported sessions keep their timers: open and offline ones are abandoned, then expire', async () => {
    const { node } = suite;
    const { merchantId, api } = await newMerchant(node.ctx, node.url, 'live');
    const tenant: Tenant = { merchantId, mode: 'live' };
    const now = clock.now();
    const left = sample({ id: idOf(0xa1), lastVisitAt: new Date(now - ABANDON_AFTER_MS + 60_000).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString() });
    const paid = sample({ id: idOf(0xa2), status: 'completed', completedAt: new Date(now - 1_000).toISOString(), lastVisitAt: new Date(now - 2 * ABANDON_AFTER_MS).toISOString(), expiresAt: new Date(now + 60_000).toISOString() });
    await importer().import(tenant, [importRecord(left), importRecord(paid)]);

    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${left.id}`)).body.status).toBe('active');
    clock.advance(60_000);
    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${left.id}`)).body).toMatchObject({ status: 'abandoned', abandonedAt: new Date(clock.now()).toISOString() });
    clock.advance(3_600_000);
    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${left.id}`)).body.status).toBe('expired');
    // A completed session has no timers left.
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${paid.id}`)).body.status).toBe('completed');
    const listed = await api.get<ListSessionsResponse>('/v1/checkouts/sessions?status=expired');
    expect(listed.body.data.map((s) => s.id)).toEqual([left.id]);
  });

  it('checkout-pulse sessions import: NDJSON in, stops at the first bad line naming it, and a re-run carries on', async () => {
    const { node } = suite;
    const { merchantId, api } = await newMerchant(node.ctx, node.url, 'test');
    const lines = [1, 2, 3].map((i) => JSON.stringify(sample({ id: idOf(i), domainAmbient: 'test' })));
    const fourth = JSON.stringify(sample({ id: idOf(4), domainAmbient: 'test' }));
    const bad = JSON.stringify({ ...JSON.parse(fourth), colour: 'red' });
    const file = join(scratch, 'sessions.ndjson');
    const cli = () => {
      const result = spawnSync(process.execPath, ['bin/checkout-pulse.js', 'sessions', 'import', '--merchant', merchantId, '--mode', 'test', '--file', file], {
        cwd: root, env: { ...process.env, REDIS_URL: suite.redis.url }, encoding: 'utf8', timeout: 30_000,
      });
      return { code: result.status, out: JSON.parse(result.stdout) as unknown };
    };

    writeFileSync(file, [...lines, bad, fourth, ''].join('\n'));
    expect(cli()).toEqual({ code: 1, out: { imported: 3, skipped: 0, error: { line: 4, params: [{ colour: 'is not a known field' }] } } });
    writeFileSync(file, [...lines, JSON.stringify({ ...JSON.parse(fourth), domainAmbient: 'live' })].join('\n'));
    expect(cli()).toMatchObject({ code: 1, out: { imported: 0, skipped: 3, error: { line: 4, params: [{ domainAmbient: 'must be test, the mode imported into' }] } } });
    writeFileSync(file, ['not json', ...lines].join('\n'));
    expect(cli()).toMatchObject({ code: 1, out: { imported: 0, error: { line: 1, params: [{ line: 'must be one JSON object' }] } } });
    writeFileSync(file, [...lines, fourth].join('\n'));
    expect(cli()).toEqual({ code: 0, out: { imported: 1, skipped: 3 } });

    const listed = await api.get<ListSessionsResponse>('/v1/checkouts/sessions?sort=ascending');
    expect(listed.body.data.map((s) => s.id)).toEqual([1, 2, 3, 4].map(idOf));
  });
});

const idOf = (n: number) => `sess_${n.toString(16).padStart(20, '0')}`;

/** A plausible open session from another system. */
function sample(overrides: Partial<CheckoutSession> & { id: string }): CheckoutSession {
  const at = (minutesAgo: number) => new Date(clock.now() - minutesAgo * 60_000).toISOString();
  return {
    object: 'checkout.session', metadata: {}, status: 'active', source: 'api', totalAmount: 4_990, currency: 'BRL', online: true,
    lastVisitAt: null, transactionId: null, linkId: null, customerId: 'cus_9', externalTransactionId: null,
    integrationId: null, integrationType: null, recoverySent: false, recovered: false, firstInitialization: true,
    renewalCount: 0, domainAmbient: 'live', domainHost: 'shop.example.org', language: 'pt-BR',
    paymentMethodSelected: null, paymentStep: 0, attemptCount: 0, failure: null,
    customer: { email: 'ana@example.com', name: 'Ana', country: 'BR', city: null, ip: null },
    product: { id: null, name: 'Pro license', quantity: 1 }, device: { type: null, os: null, browser: null },
    portalUrl: null, orderUrl: null, createdAt: at(300 - Number.parseInt(overrides.id.slice(-2), 16)), updatedAt: at(5),
    completedAt: null, abandonedAt: null, expiresAt: at(-600),
    ...overrides,
  };
}
