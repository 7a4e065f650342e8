import { expect } from 'vitest';
import { listSessionsQuery } from '../../shared/list-query.js';
import type { CheckoutSession } from '../../shared/session.js';
import type { ManualClock } from '../../server/clock.js';
import { tenantPrefix, type Tenant } from '../../server/store/keys.js';
import type { TestNode } from '../helpers/node.js';
import type { Rng } from '../helpers/rng.js';
import { patchSession } from './patch-session.js';
import { sessionBody } from '../helpers/session-body.js';

/** Random data sets built through the real scripts, and random list queries over them. */

const HOSTS = ['checkout.example.com', 'pay.loja.com.br', 'shop.example.org'];
const LANGS = ['pt-BR', 'en', 'es'];
const SOURCES = ['api', 'payment_link', 'checkout_link', 'integration'] as const;
const METHODS = ['pix', 'credit_card', 'debit_card', 'boleto', 'wallet'] as const;
const BASE = Date.UTC(2026, 0, 10);
const DAY = 86_400_000;

/** `random`: creation times in any order; `mostly`: in order, with late arrivals and equal times. */
export type Arrival = 'random' | 'mostly';

export async function seedDataSet(node: TestNode, clock: ManualClock, r: Rng, tenant: Tenant, size: number, arrival: Arrival): Promise<CheckoutSession[]> {
  const prefix = tenantPrefix(tenant);
  const ids: string[] = [];
  for (let i = 0; i < size; i++) {
    // Creation times out of order and often equal, so ties fall to the id.
    if (arrival === 'random') clock.set(BASE + (r.chance(0.3) ? r.int(0, 40) * 3_600_000 : r.int(0, 4 * DAY)));
    else clock.set(BASE + i * 200_000 + (r.chance(0.1) ? -r.int(0, 1_000_000) : 0) + (r.chance(0.2) ? 0 : r.int(0, 150_000)));
    const session = await node.ctx.sessions.create(tenant, sessionBody({
      source: r.pick(SOURCES), totalAmount: r.int(0, 50) * 1000 + r.int(0, 1) * 99, currency: 'BRL', domainHost: r.pick(HOSTS), language: r.pick(LANGS),
      product: { name: 'Pro license', quantity: 1 },
      customerId: r.chance(0.4) ? `cus_${r.int(1, 30)}` : undefined,
      linkId: r.chance(0.2) ? `lin_${r.int(1, 8)}` : undefined,
      integrationId: r.chance(0.15) ? String(r.int(1000, 1020)) : undefined,
      integrationType: r.chance(0.25) ? r.pick(['woocommerce', 'shopify']) : undefined,
      externalTransactionId: r.chance(0.1) ? `ext_${r.int(1, 9999)}` : undefined,
    }), r.pick([DAY, 2 * DAY, 3_600_000]));
    ids.push(session.id);
  }
  for (const [i, sid] of ids.entries()) {
    clock.set(BASE + 4 * DAY + r.int(0, DAY));
    const now = clock.now();
    if (r.chance(0.35)) {
      await node.ctx.presence.connect(prefix, sid, `conn-${i}`);
      if (r.chance(0.5)) await node.ctx.presence.disconnect(prefix, sid, `conn-${i}`, false);
    }
    const fate = r.next();
    if (fate < 0.15) {
      await patchSession(node.ctx.redis, prefix, sid, { st: 'failed', att: r.int(1, 4), step: 4, pm: r.pick(METHODS), fc: 'card_declined', fm: 'Card declined' }, now);
    } else if (fate < 0.4) {
      await patchSession(node.ctx.redis, prefix, sid, { st: 'completed', cpa: now, tx: `tra_${i}`, step: 4, att: r.int(1, 3), pm: r.pick(METHODS), on: '0' }, now);
    } else if (fate < 0.6) {
      await patchSession(node.ctx.redis, prefix, sid, { st: 'abandoned', aba: now, on: '0', rs: r.chance(0.5) ? '1' : '0', step: r.int(1, 3) }, now);
      if (r.chance(0.3)) {
        // A page coming back renews it through the real presence script.
        clock.advance(r.int(1, 60_000));
        await node.ctx.presence.connect(prefix, sid, `back-${i}`);
      }
    } else if (fate < 0.7) {
      await patchSession(node.ctx.redis, prefix, sid, { st: 'expired', on: '0', rc: r.int(0, 3), fi: r.chance(0.5) ? '0' : '1' }, now);
    } else if (fate < 0.8) {
      await patchSession(node.ctx.redis, prefix, sid, { pm: r.pick(METHODS), step: 3 }, now);
    }
  }
  const all = await node.ctx.sessions.getMany(tenant, ids);
  expect(all).toHaveLength(size);
  return all;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Random query parameters, mostly drawn from the data so that filters hit. */
export function randomParams(r: Rng, all: readonly CheckoutSession[]): Record<string, string> {
  const params: Record<string, string> = {};
  const sample = () => r.pick(all);
  const someTime = (field: 'createdAt' | 'updatedAt' | 'expiresAt' | 'completedAt' | 'abandonedAt' | 'lastVisitAt') => {
    const value = sample()[field];
    return value === null ? iso(BASE + r.int(0, 6 * DAY)) : r.chance(0.5) ? value : iso(Date.parse(value) + r.int(-3_600_000, 3_600_000));
  };
  const generators: Array<() => void> = [
    () => { params.status = sample().status; },
    () => { params.source = sample().source; },
    () => { params.id = r.chance(0.8) ? sample().id : 'sess_abc123'; },
    () => { params.transactionId = sample().transactionId ?? 'tra_none'; },
    () => { params.linkId = sample().linkId ?? 'lin_1'; },
    () => { params.customerId = sample().customerId ?? `cus_${r.int(1, 40)}`; },
    () => { params.externalTransactionId = sample().externalTransactionId ?? 'ext_98765'; },
    () => { params.integrationId = sample().integrationId ?? '1024'; },
    () => { params.integrationType = sample().integrationType ?? 'woocommerce'; },
    () => { params.online = String(r.chance(0.5)); },
    () => { params.recoverySent = String(r.chance(0.5)); },
    () => { params.firstInitialization = String(r.chance(0.5)); },
    () => { params.domainHost = sample().domainHost; },
    () => { params.language = sample().language; },
    () => { params.paymentmethodselected = sample().paymentMethodSelected ?? r.pick(METHODS); },
    () => { params.daterange = r.chance(0.5) ? sample().createdAt : sample().createdAt.slice(0, 10); },
    () => { params.daterangegt = someTime('createdAt'); },
    () => { params.daterangegte = someTime('createdAt'); },
    () => { params.daterangelt = someTime('createdAt'); },
    () => { params.daterangelte = someTime('createdAt'); },
    () => { params.totalAmountGte = String(r.int(0, 50) * 1000); },
    () => { params.totalAmountLte = String(r.int(0, 50) * 1000 + 99); },
    () => { params.renewalCountGte = String(r.int(0, 3)); },
    () => { params.renewalCountLte = String(r.int(0, 4)); },
    () => { params.paymentstepgte = String(r.int(0, 4)); },
    () => { params.paymentsteplte = String(r.int(0, 4)); },
    () => { params.attemptcountgte = String(r.int(0, 4)); },
    () => { params.attemptcountlte = String(r.int(0, 4)); },
    ...(['completedAt', 'abandonedAt', 'updatedAt', 'expiresAt', 'lastVisitAt'] as const).flatMap((field) => [
      () => { params[`${field}Gte`] = someTime(field); },
      () => { params[`${field}Lte`] = someTime(field); },
    ]),
  ];
  const filters = r.pick([0, 1, 1, 2, 2, 3, 4]);
  for (let i = 0; i < filters; i++) r.pick(generators)();
  if (r.chance(0.7)) params.limit = String(r.pick([1, 5, 20, 100, r.int(1, 100)]));
  if (r.chance(0.6)) params.offset = String(r.pick([0, 3, 20, r.int(0, 200), r.int(0, all.length + 5)]));
  if (r.chance(0.6)) params.sort = r.pick(['ascending', 'descending']);
  return params;
}

/** Drops bounds that contradict each other (those are 400s, tested apart). */
export function validOnly(params: Record<string, string>): boolean {
  return listSessionsQuery.safeParse(params).success;
}

