import { randomBytes } from 'node:crypto';
import type { TimelineType } from '../../shared/session.js';
import type { ImportRecord } from '../../server/store/import/session-import.js';
import type { Rng } from '../../test/helpers/rng.js';

/** 10 random bytes as hex, drawn from a pool (one randomBytes call per 4,096 ids instead of per id). */
let pool = Buffer.alloc(0);
let taken = 0;
function randomHex10(): string {
  if (taken + 10 > pool.length) {
    pool = randomBytes(10 * 4096);
    taken = 0;
  }
  taken += 10;
  return pool.toString('hex', taken - 10, taken);
}

type Value = string | number | undefined;

/** A session as made here: what creation gave it, then its lifecycle changes in order. */
export interface SeedSession {
  id: string;
  createdAt: number;
  expiresAt: number;
  fields: Record<string, Value>;
  changes: Array<{ at: number; kind: TimelineType; fields: Record<string, Value> }>;
  /** A page still open on it now: connected after the import, as presence is live only. */
  online: boolean;
}

/** A realistic month-scale mix of sessions: mostly finished, a day's worth active, a few online. */
const DAY = 86_400_000;
export const HOSTS = ['checkout.example.com', 'pay.loja.com.br', 'shop.example.org'];
const METHODS = ['pix', 'credit_card', 'debit_card', 'boleto', 'wallet'];
export const CUSTOMER_POOL = 400_000;


function weighted<T>(r: Rng, table: ReadonlyArray<readonly [T, number]>): T {
  let x = r.next();
  for (const [value, weight] of table) {
    if ((x -= weight) < 0) return value;
  }
  return (table[table.length - 1] as readonly [T, number])[0];
}

/** Session i of `count`, created in time order over `spanDays` ending at `now`. */
export function makeSession(r: Rng, i: number, count: number, now: number, spanDays: number): SeedSession {
  const createdAt = now - spanDays * DAY + Math.floor(((i + r.next()) / count) * spanDays * DAY);
  const age = now - createdAt;
  const s: SeedSession = {
    id: `sess_${randomHex10()}`,
    createdAt,
    expiresAt: createdAt + DAY,
    fields: {
      src: weighted(r, [['api', 0.5], ['payment_link', 0.25], ['checkout_link', 0.15], ['integration', 0.1]] as const),
      amt: Math.round(500 * Math.pow(1000, r.next())),
      cur: 'BRL',
      host: r.pick(HOSTS),
      lang: weighted(r, [['pt-BR', 0.6], ['en', 0.3], ['es', 0.1]] as const),
      em: `buyer${i}@example.com`,
      nm: 'Ana Souza',
      co: 'BR',
      ci: 'São Paulo',
      pid: 'prod_pro',
      pn: 'Pro license',
      q: 1,
      cus: r.chance(0.4) ? `cus_${r.int(1, CUSTOMER_POOL)}` : undefined,
      lnk: r.chance(0.2) ? `lin_${r.int(1, 50)}` : undefined,
      iid: r.chance(0.1) ? String(r.int(1, 900_000)) : undefined,
      ity: r.chance(0.1) ? 'woocommerce' : undefined,
      etx: r.chance(0.05) ? `ext_${i}` : undefined,
    },
    changes: [],
    online: false,
  };
  const at = (ms: number) => Math.min(now, createdAt + ms);
  if (!r.chance(0.8)) return s;
  // A page opened: online for a while, funnel progress.
  const visitedAt = at(r.int(1_000, 600_000));
  const step = r.int(1, 4);
  const stillOnline = age < DAY && r.chance(0.25);
  s.online = stillOnline;
  // One write for the visit (its final presence), as a page that came and went leaves it.
  s.changes.push({ at: visitedAt, kind: stillOnline ? 'page_opened' : 'went_offline', fields: { on: stillOnline ? 1 : 0, lv: visitedAt, step, ...(step >= 3 ? { pm: r.pick(METHODS) } : {}) } });
  const fate = age < DAY
    ? weighted(r, [['active', 0.7], ['failed', 0.15], ['completed', 0.15]] as const)
    : weighted(r, [['completed', 0.5], ['expired', 0.3], ['abandoned', 0.15], ['failed', 0.05]] as const);
  const doneAt = at(r.int(1_200_000, 3_000_000));
  if (fate === 'failed') s.changes.push({ at: doneAt, kind: 'payment_failed', fields: { st: 'failed', att: r.int(1, 4), step: 4, pm: r.pick(METHODS), fc: 'card_declined', fm: 'Card declined' } });
  if (fate === 'completed') s.changes.push({ at: doneAt, kind: 'payment_succeeded', fields: { st: 'completed', cpa: doneAt, att: r.int(1, 3), step: 4, pm: r.pick(METHODS), tx: `tra_${i.toString(36)}` } });
  if (fate === 'abandoned') s.changes.push({ at: doneAt, kind: 'abandoned', fields: { st: 'abandoned', aba: doneAt, ...(r.chance(0.4) ? { rs: 1 } : {}) } });
  if (fate === 'expired') {
    s.changes.push({ at: at(DAY), kind: 'expired', fields: { st: 'expired', ...(r.chance(0.05) ? { rc: r.int(1, 2), fi: 0 } : {}) } });
  }
  return s;
}

/** The session's final state and history, as the importer stores it. */
export function toImportRecord(s: SeedSession): ImportRecord {
  const fields: Record<string, string> = {
    st: 'active', on: '0', rs: '0', fi: '1', rc: '0', step: '0', att: '0',
    ca: String(s.createdAt), ua: String(s.createdAt), ea: String(s.expiresAt),
  };
  const put = (values: Record<string, Value>) => {
    for (const code in values) {
      const value = values[code];
      if (value !== undefined) fields[code] = String(value);
    }
  };
  put(s.fields);
  const timeline: Array<ImportRecord['timeline'][number]> = [{ type: 'created', at: s.createdAt, data: null }];
  for (const change of s.changes) {
    put(change.fields);
    fields.ua = String(change.at);
    timeline.push({ type: change.kind, at: change.at, data: null });
  }
  return { id: s.id, fields, timeline };
}
