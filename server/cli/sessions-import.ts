import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Mode } from '../../shared/ids.js';
import { issuesToParams, type ErrorParams } from '../../shared/errors.js';
import { importedSession } from '../../shared/session-import.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { IMPORT_BATCH, importRecord, SessionImporter, type ImportRecord } from '../store/import/session-import.js';
import { merchantAndMode, UsageError, type CliContext } from './cli-context.js';

type Args = { merchant?: string | undefined; mode?: string | undefined; file?: string | undefined };

/** Longest line taken: a session with a long history is a few kilobytes. */
const MAX_LINE = 256 * 1024;

/** One line as a record to import, or the params naming why it cannot be imported. */
function refuse(line: string, mode: Mode): { record?: ImportRecord; params?: ErrorParams } {
  if (line.length > MAX_LINE) return { params: [{ line: `is longer than ${MAX_LINE} characters` }] };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { params: [{ line: 'must be one JSON object' }] };
  }
  const parsed = importedSession.safeParse(json);
  if (!parsed.success) return { params: issuesToParams(parsed.error.issues) };
  if (parsed.data.domainAmbient !== undefined && parsed.data.domainAmbient !== mode) {
    return { params: [{ domainAmbient: `must be ${mode}, the mode imported into` }] };
  }
  return { record: importRecord(parsed.data) };
}

/**
 * `sessions import --merchant ID --mode live|test [--file F]`: NDJSON sessions (one API
 * `checkout.session` per line, from F or standard input) into one tenant. Stops at the first line it
 * cannot take, naming it, after importing every line before it; ids already present are skipped, so
 * running it again after a fix carries on where it stopped.
 */
export async function importSessions(args: Args, cli: CliContext, input: Readable = args.file ? createReadStream(args.file) : process.stdin): Promise<number> {
  const tenant = merchantAndMode(args);
  const config = loadConfig(process.env);
  const importer = new SessionImporter({ redis: cli.redis, clock: systemClock, streamRetain: config.env.STREAM_RETAIN_EVENTS }, config.abandonAfterMs);
  const totals = { imported: 0, skipped: 0 };
  let batch: ImportRecord[] = [];
  const flush = async () => {
    const result = await importer.import(tenant, batch);
    totals.imported += result.imported;
    totals.skipped += result.skipped.length;
    batch = [];
  };
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    const { record, params } = refuse(line, tenant.mode);
    if (!record) {
      await flush();
      cli.print({ ...totals, error: { line: lineNumber, params } });
      return 1;
    }
    batch.push(record);
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  await flush();
  cli.print(totals);
  return 0;
}

export function requireFileOrPipe(args: Args): void {
  if (!args.file && process.stdin.isTTY) throw new UsageError('give --file F, or pipe NDJSON on standard input');
}
