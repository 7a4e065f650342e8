import type { Mode } from '../../shared/ids.js';
import { blankSession, type CheckoutSession } from '../../shared/session.js';
import { FIELD_BY_CODE, FIELDS, type FieldCode, type Group, type Kind } from './session-fields.js';

export type { FieldCode } from './session-fields.js';

/**
 * Stored hashes ↔ the API's `checkout.session`, driven by the table of session-fields.ts: the only
 * place that maps storage codes to API fields. Lua scripts use the codes.
 */

/**
 * Metadata pairs live in the same hash, one field each: `m:<key>` (keys hold no ':'), indexed for
 * equality like the fixed fields (`lua/includes/indexes.lua` recognises the prefix).
 */
export const METADATA_PREFIX = 'm:';
export type MetadataCode = `m:${string}`;
export const isMetadataCode = (code: string): code is MetadataCode => code.startsWith(METADATA_PREFIX);
export const metadataCode = (key: string): MetadataCode => `m:${key}`;

/** A session's metadata as stored field pairs. */
export function encodeMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<MetadataCode, string> {
  const out: Record<MetadataCode, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) out[metadataCode(key)] = value;
  return out;
}

function decodeMetadata(hash: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const code in hash) {
    const value = hash[code];
    if (value !== undefined && isMetadataCode(code)) out[code.slice(METADATA_PREFIX.length)] = value;
  }
  return out;
}

export type SessionHash = Partial<Record<FieldCode | MetadataCode, string>>;
export type DeepPartialSession = Partial<Omit<CheckoutSession, Group>> & {
  [G in Group]?: Partial<NonNullable<CheckoutSession[G]>> | null;
};

function decodeValue(kind: Kind, raw: string): string | number | boolean {
  switch (kind) {
    case 'str': return raw;
    case 'int': return Number(raw);
    case 'bool': return raw === '1';
    case 'time': return new Date(Number(raw)).toISOString();
  }
}

/** The fields a transition wrote (codes → raw values, `false`/'' meaning cleared) as an API patch. */
export function decodePatch(raw: Record<string, unknown>): DeepPartialSession {
  const patch: Record<string, unknown> = {};
  for (const [code, value] of Object.entries(raw)) {
    if (isMetadataCode(code)) {
      const metadata = (patch.metadata ??= {}) as Record<string, unknown>;
      metadata[code.slice(METADATA_PREFIX.length)] = String(value);
      continue;
    }
    const spec = FIELD_BY_CODE.get(code);
    if (!spec) continue;
    const decoded = value === false || value === '' || value === null || value === undefined
      ? (spec.kind === 'bool' ? false : null)
      : decodeValue(spec.kind, String(value));
    if (spec.group) {
      const group = (patch[spec.group] ??= {}) as Record<string, unknown>;
      group[spec.name] = decoded;
    } else {
      patch[spec.name] = decoded;
    }
  }
  if (patch.failure && typeof patch.failure === 'object') {
    const failure = patch.failure as { code?: unknown };
    if (failure.code === null) patch.failure = null;
  }
  return patch as DeepPartialSession;
}

/**
 * A stored hash as the API's `checkout.session`: each stored field over the blank session's
 * defaults. The failure group exists only with its code.
 */
export function decodeSession(id: string, mode: Mode, hash: SessionHash): CheckoutSession {
  const session = blankSession(id, mode) as unknown as Record<string, unknown>;
  const raw = hash as Record<string, string | undefined>;
  if (raw.fc !== undefined) session.failure = { code: raw.fc, message: '' };
  for (const spec of FIELDS) {
    const value = raw[spec.code];
    if (value === undefined || (value === '' && spec.kind === 'time')) continue;
    const decoded = decodeValue(spec.kind, value);
    if (spec.group) {
      const group = session[spec.group] as Record<string, unknown> | null;
      if (group) group[spec.name] = decoded;
    } else {
      session[spec.name] = decoded;
    }
  }
  session.metadata = decodeMetadata(raw);
  return session as unknown as CheckoutSession;
}

/** Flat `[code, value, …]` arguments for a script, skipping unset values. */
export function encodeFields(fields: Partial<Record<FieldCode | MetadataCode, string | number | boolean | null | undefined>>): string[] {
  const out: string[] = [];
  for (const [code, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    out.push(code, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return out;
}

/** Booleans every stored session carries; the others are written only when true. */
const ALWAYS_STORED = new Set<string>(['on', 'rs', 'fi']);

/** A whole `checkout.session` (as the API writes it) as stored field pairs: the inverse of decodeSession. */
export function encodeSession(session: Omit<CheckoutSession, 'object' | 'domainAmbient' | 'id' | 'metadata'> & { metadata?: CheckoutSession['metadata'] }): Record<string, string> {
  const out: Record<string, string> = {};
  const source = session as unknown as Record<string, unknown>;
  for (const spec of FIELDS) {
    const holder = spec.group ? (source[spec.group] as Record<string, unknown> | null) : source;
    const value = holder?.[spec.name];
    if (value === null || value === undefined || value === '') continue;
    switch (spec.kind) {
      case 'bool':
        if (value === true || ALWAYS_STORED.has(spec.code)) out[spec.code] = value ? '1' : '0';
        break;
      case 'time':
        out[spec.code] = String(Date.parse(String(value)));
        break;
      default:
        out[spec.code] = String(value);
    }
  }
  Object.assign(out, encodeMetadata(session.metadata));
  return out;
}
