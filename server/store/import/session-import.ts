import { Packr } from 'msgpackr';
import { SESSION_ID_PATTERN } from '../../../shared/ids.js';
import type { ImportedSession } from '../../../shared/session-import.js';
import type { TimelineEntry } from '../../../shared/session.js';
import { tenantPrefix, type Tenant } from '../keys.js';
import { layOutBulkIndex } from './bulk-index.js';
import { DEFAULT_LISTPACK_LIMITS, HashDumps, type ListpackLimits } from './hash-dumps.js';
import { encodeSession } from '../session-codec.js';
import type { ScriptArg } from '../scripts.js';
import type { StoreContext } from '../store-context.js';
import { bulkTransition } from './bulk-script.js';

/** Sessions per script call: large enough to share the index writes, small enough to keep Redis responsive. */
export const IMPORT_BATCH = 500;
/** Sessions prepared between event-loop turns (a few milliseconds of work). */
const PREPARE_SLICE = 50;
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A session ready to store: its field codes and raw values, and its history. */
export interface ImportRecord {
  id: string;
  fields: Record<string, string>;
  timeline: ReadonlyArray<Pick<TimelineEntry, 'type' | 'data'> & { at: number }>;
}

export interface ImportResult {
  imported: number;
  /** Ids that exist already: left as they are. */
  skipped: string[];
}

/** A validated `ImportedSession` as stored: offline, whatever it was where it came from. */
export function importRecord(session: ImportedSession): ImportRecord {
  const fields = encodeSession({ ...session, online: false });
  return {
    id: session.id,
    fields,
    timeline: (session.timeline ?? []).map((entry) => ({ type: entry.type, at: Date.parse(entry.at), data: entry.data })),
  };
}

/**
 * Imports sessions whole (`importSessions` script), a batch per call: the list indexes are written
 * once per index key for the batch, which is what makes bulk loads fast. Within a batch, sessions go
 * in list order, so only batches given out of order leave late arrivals for the list to merge.
 */
export class SessionImporter {
  private limits: Promise<ListpackLimits | undefined> | undefined;

  constructor(private readonly ctx: StoreContext, private readonly abandonAfterMs: number) {}

  async import(tenant: Tenant, records: readonly ImportRecord[]): Promise<ImportResult> {
    const prefix = tenantPrefix(tenant);
    for (const record of records) assertStorable(record);
    const result: ImportResult = { imported: 0, skipped: [] };
    const given = new Set<string>();
    const unique: ImportRecord[] = [];
    for (const record of records) {
      if (given.has(record.id)) result.skipped.push(record.id);
      else unique.push(record);
      given.add(record.id);
    }
    const limits = await (this.limits ??= listpackLimits(this.ctx.redis));
    for (let from = 0; from < unique.length; from += IMPORT_BATCH) {
      const now = this.ctx.clock.now();
      const dumps = limits && new HashDumps(limits);
      const imported = JSON.stringify({ t: 'imported', at: now });
      const inListOrder = unique.slice(from, from + IMPORT_BATCH).sort(listOrder);
      let batch: ScriptItem[] = [];
      for (const record of inListOrder) {
        // The event loop gets a turn every few sessions: batches already sent keep flowing to
        // Redis, and replies come back, while this one is being prepared.
        if (batch.length % PREPARE_SLICE === 0) await yieldToIo();
        batch.push(scriptItem(record, dumps, imported));
      }
      // A batch naming ids that are stored already writes nothing and names them: send the rest.
      for (let attempt = 0; batch.length > 0; attempt++) {
        const layout = layOutBulkIndex(batch.map((item) => item.pairs));
        const shape = batch.flatMap((item) => [item.payload ? 0 : item.pairs.length, item.timeline.length]);
        const args: ScriptArg[] = [this.abandonAfterMs, packr.pack([layout.eq, layout.sl, layout.counters]), layout.bytes, packr.pack(shape)];
        for (const item of batch) {
          args.push(item.id, ...item.fixed, item.patch, item.payload ?? '');
          if (!item.payload) args.push(...item.pairs);
          args.push(...item.timeline);
        }
        const reply = (await bulkTransition(this.ctx, 'importSessions', prefix, args, now)) as [number, ...string[]];
        if (reply[0] >= 0) {
          result.imported += reply[0];
          break;
        }
        const present = new Set(reply.slice(1) as string[]);
        if (attempt > 3) throw new Error(`import: ${present.size} sessions keep appearing while being imported`);
        result.skipped.push(...present);
        batch = batch.filter((item) => !present.has(item.id));
      }
    }
    return result;
  }
}

/**
 * The server's listpack limits, so restored hashes are encoded as HSET would leave them (Redis's
 * defaults when CONFIG is not allowed); undefined before Redis 7, which has no listpack hashes to
 * restore: every hash is then written with HSET.
 */
async function listpackLimits(redis: StoreContext['redis']): Promise<ListpackLimits | undefined> {
  const info = await redis.info('server').catch(() => '');
  if (Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0) < 7) return undefined;
  try {
    const reply = (await redis.config('GET', 'hash-max-listpack-*')) as string[];
    const setting = (name: string) => (reply.includes(name) ? Number(reply[reply.indexOf(name) + 1]) : Number.NaN);
    const limits = { valueBytes: setting('hash-max-listpack-value'), pairs: setting('hash-max-listpack-entries') };
    return limits.valueBytes >= 0 && limits.pairs > 0 ? limits : DEFAULT_LISTPACK_LIMITS;
  } catch {
    return DEFAULT_LISTPACK_LIMITS;
  }
}

const REQUIRED = ['st', 'ca', 'ua', 'ea'] as const;

/** What the script relies on; records built by importRecord always pass. */
function assertStorable(record: ImportRecord): void {
  if (!SESSION_ID_PATTERN.test(record.id)) throw new Error(`import: ${record.id} is not a session id`);
  for (const code of REQUIRED) {
    if (record.fields[code] === undefined) throw new Error(`import: ${record.id} has no ${code}`);
  }
}

/** createdAt, then id: the list's own order. */
function listOrder(a: ImportRecord, b: ImportRecord): number {
  return Number(a.fields.ca) - Number(b.fields.ca) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Plain MessagePack (no record extension): what the script's cmsgpack reads. */
const packr = new Packr({ useRecords: false });

/** One session as the script takes it (see importSessions-1.lua), and its pairs for the index layout. */
interface ScriptItem {
  id: string;
  /** st, ca, ea, and lv ('' without). */
  fixed: [st: string, ca: string, ea: string, lv: string];
  /** The hash's pairs, as JSON: the `imported` event's patch. */
  patch: string;
  /** The hash's DUMP payload; without one, the script writes the pairs. */
  payload: Buffer | undefined;
  pairs: string[];
  /** History entries as stored JSON, the last one `imported`. */
  timeline: string[];
}

/** One session ready to send: offline (presence is live only), without an ordinal. */
function scriptItem(record: ImportRecord, dumps: HashDumps | undefined, imported: string): ScriptItem {
  const { fields } = record;
  const pairs: string[] = [];
  for (const code in fields) {
    if (code !== 'on' && code !== 'n') pairs.push(code, fields[code]!);
  }
  pairs.push('on', '0');
  const timeline = record.timeline.map((entry) => JSON.stringify(entry.data
    ? { t: entry.type, at: Math.trunc(entry.at), d: entry.data }
    : { t: entry.type, at: Math.trunc(entry.at) }));
  timeline.push(imported);
  return {
    id: record.id,
    fixed: [fields.st!, fields.ca!, fields.ea!, fields.lv ?? ''],
    patch: JSON.stringify(pairs),
    payload: dumps?.add(pairs),
    pairs,
    timeline,
  };
}
