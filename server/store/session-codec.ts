import type { Mode } from '../../shared/ids.js';
import type { CheckoutSession } from '../../shared/session.js';

/**
 * A session lives in one Redis hash with short field codes (half the memory of full names).
 * This table is the only place that maps codes to the API's fields; Lua scripts use the codes.
 * Absent fields are null; booleans are '1'/'0'; instants are epoch milliseconds.
 */
type Kind = 'str' | 'int' | 'bool' | 'time';
type Group = 'failure' | 'customer' | 'product' | 'device';

interface FieldSpec {
  code: string;
  kind: Kind;
  /** Top-level field, or the member of a nested group. */
  name: string;
  group?: Group;
}

export const SESSION_FIELDS = [
  { code: 'st', kind: 'str', name: 'status' },
  { code: 'src', kind: 'str', name: 'source' },
  { code: 'amt', kind: 'int', name: 'totalAmount' },
  { code: 'cur', kind: 'str', name: 'currency' },
  { code: 'on', kind: 'bool', name: 'online' },
  { code: 'lv', kind: 'time', name: 'lastVisitAt' },
  { code: 'tx', kind: 'str', name: 'transactionId' },
  { code: 'lnk', kind: 'str', name: 'linkId' },
  { code: 'cus', kind: 'str', name: 'customerId' },
  { code: 'etx', kind: 'str', name: 'externalTransactionId' },
  { code: 'iid', kind: 'str', name: 'integrationId' },
  { code: 'ity', kind: 'str', name: 'integrationType' },
  { code: 'rs', kind: 'bool', name: 'recoverySent' },
  { code: 'rcv', kind: 'bool', name: 'recovered' },
  { code: 'fi', kind: 'bool', name: 'firstInitialization' },
  { code: 'rc', kind: 'int', name: 'renewalCount' },
  { code: 'host', kind: 'str', name: 'domainHost' },
  { code: 'lang', kind: 'str', name: 'language' },
  { code: 'pm', kind: 'str', name: 'paymentMethodSelected' },
  { code: 'step', kind: 'int', name: 'paymentStep' },
  { code: 'att', kind: 'int', name: 'attemptCount' },
  { code: 'fc', kind: 'str', name: 'code', group: 'failure' },
  { code: 'fm', kind: 'str', name: 'message', group: 'failure' },
  { code: 'em', kind: 'str', name: 'email', group: 'customer' },
  { code: 'nm', kind: 'str', name: 'name', group: 'customer' },
  { code: 'co', kind: 'str', name: 'country', group: 'customer' },
  { code: 'ci', kind: 'str', name: 'city', group: 'customer' },
  { code: 'ip', kind: 'str', name: 'ip', group: 'customer' },
  { code: 'pid', kind: 'str', name: 'id', group: 'product' },
  { code: 'pn', kind: 'str', name: 'name', group: 'product' },
  { code: 'q', kind: 'int', name: 'quantity', group: 'product' },
  { code: 'dt', kind: 'str', name: 'type', group: 'device' },
  { code: 'os', kind: 'str', name: 'os', group: 'device' },
  { code: 'br', kind: 'str', name: 'browser', group: 'device' },
  { code: 'pu', kind: 'str', name: 'portalUrl' },
  { code: 'ou', kind: 'str', name: 'orderUrl' },
  { code: 'ca', kind: 'time', name: 'createdAt' },
  { code: 'ua', kind: 'time', name: 'updatedAt' },
  { code: 'cpa', kind: 'time', name: 'completedAt' },
  { code: 'aba', kind: 'time', name: 'abandonedAt' },
  { code: 'ea', kind: 'time', name: 'expiresAt' },
] as const satisfies readonly FieldSpec[];

export type FieldCode = (typeof SESSION_FIELDS)[number]['code'];

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
const BY_CODE = new Map<string, FieldSpec>(SESSION_FIELDS.map((f) => [f.code, f]));

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
    const spec = BY_CODE.get(code);
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

/** A stored hash as the API's `checkout.session`. */
export function decodeSession(id: string, mode: Mode, hash: SessionHash): CheckoutSession {
  const get = (code: FieldCode) => hash[code];
  const str = (code: FieldCode) => get(code) ?? null;
  const int = (code: FieldCode, fallback = 0) => (get(code) === undefined ? fallback : Number(get(code)));
  const bool = (code: FieldCode) => get(code) === '1';
  const time = (code: FieldCode) => {
    const raw = get(code);
    return raw === undefined || raw === '' ? null : new Date(Number(raw)).toISOString();
  };
  const failureCode = str('fc');
  return {
    object: 'checkout.session',
    id,
    status: (get('st') ?? 'active') as CheckoutSession['status'],
    source: (get('src') ?? 'api') as CheckoutSession['source'],
    totalAmount: int('amt'),
    currency: get('cur') ?? 'BRL',
    online: bool('on'),
    lastVisitAt: time('lv'),
    transactionId: str('tx'),
    linkId: str('lnk'),
    customerId: str('cus'),
    externalTransactionId: str('etx'),
    integrationId: str('iid'),
    integrationType: str('ity'),
    recoverySent: bool('rs'),
    recovered: bool('rcv'),
    firstInitialization: get('fi') !== '0',
    renewalCount: int('rc'),
    domainAmbient: mode,
    domainHost: get('host') ?? '',
    language: get('lang') ?? 'en',
    paymentMethodSelected: str('pm') as CheckoutSession['paymentMethodSelected'],
    paymentStep: int('step'),
    attemptCount: int('att'),
    failure: failureCode === null ? null : { code: failureCode, message: get('fm') ?? '' },
    customer: { email: str('em'), name: str('nm'), country: str('co'), city: str('ci'), ip: str('ip') },
    product: { id: str('pid'), name: get('pn') ?? '', quantity: int('q', 1) },
    device: {
      type: str('dt') as CheckoutSession['device']['type'],
      os: str('os'),
      browser: str('br'),
    },
    portalUrl: str('pu'),
    orderUrl: str('ou'),
    metadata: decodeMetadata(hash),
    createdAt: time('ca') ?? new Date(0).toISOString(),
    updatedAt: time('ua') ?? new Date(0).toISOString(),
    completedAt: time('cpa'),
    abandonedAt: time('aba'),
    expiresAt: time('ea') ?? new Date(0).toISOString(),
  };
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
  for (const spec of SESSION_FIELDS as readonly FieldSpec[]) {
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
