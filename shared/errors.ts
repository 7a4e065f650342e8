import { z } from 'zod';

/**
 * The error envelope of the API, shaped exactly as the source API's reference:
 * `{"error": {status, statusCode, category, message, details, code, ...}}`.
 */
export const ERROR_CODES = {
  invalidParameters: { statusCode: 400, status: 'Bad Request', category: 'validation', message: 'Validation errors occurred', details: 'One or more parameters are invalid or out of range. Please check the parameters and try again.', resource: 'client' },
  unauthorized: { statusCode: 401, status: 'Unauthorized', category: 'authentication', message: 'Unauthorized', details: 'Authentication failed. The provided API key is invalid or does not have permission to operate.' },
  forbidden: { statusCode: 403, status: 'Forbidden', category: 'authorization', message: 'Forbidden', details: 'Access denied. This may be due to IP blocks, domain restrictions, or insufficient permissions.' },
  notFound: { statusCode: 404, status: 'Not Found', category: 'client', message: 'Not Found', details: 'The requested resource was not found on the server.' },
  methodNotAllowed: { statusCode: 405, status: 'Method Not Allowed', category: 'client', message: 'Method Not Allowed', details: 'This path does not take this method; the Allow header lists the ones it takes.' },
  conflict: { statusCode: 409, status: 'Conflict', category: 'client', message: 'Conflict', details: 'The request conflicts with an earlier request that used the same Idempotency-Key.' },
  gone: { statusCode: 410, status: 'Gone', category: 'client', message: 'Gone', details: 'The requested position is older than the kept event log. List the sessions again, then follow the feed from its newest event.' },
  payloadTooLarge: { statusCode: 413, status: 'Payload Too Large', category: 'validation', message: 'Payload Too Large', details: 'The request body exceeds the size allowed for this endpoint.' },
  unprocessableEntity: { statusCode: 422, status: 'Unprocessable Entity', category: 'validation', message: 'Unprocessable Entity', details: 'The request was understood, but contains invalid data that could not be processed.' },
  tooManyRequests: { statusCode: 429, status: 'Too Many Requests', category: 'rate_limit', message: 'Too Many Requests', details: 'The number of requests exceeded the limit allowed for the IP or user.' },
  serverError: { statusCode: 500, status: 'Internal Server Error', category: 'server', message: 'Server error.', details: 'An internal server error occurred. Please try again later.', resource: 'server' },
  serviceUnavailable: { statusCode: 503, status: 'Service Unavailable', category: 'server', message: 'Service Unavailable', details: 'The service is temporarily unavailable. Please try again shortly.', resource: 'server' },
} as const satisfies Record<string, {
  statusCode: number; status: string; category: string; message: string; details: string; resource?: string;
}>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const errorCode = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** `params` lists one `{name: reason}` object per bad parameter, as the source API does. */
export type ErrorParams = Array<Record<string, string>>;

export const errorEnvelope = z.object({
  error: z.object({
    status: z.string(),
    statusCode: z.int(),
    category: z.string(),
    message: z.string(),
    details: z.string(),
    code: errorCode,
    params: z.array(z.record(z.string(), z.string())).optional(),
    resource: z.string().optional(),
    retryAfterMinutes: z.int().optional(),
  }),
}).meta({ id: 'ErrorEnvelope' });
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

export interface ErrorExtras {
  params?: ErrorParams;
  retryAfterMinutes?: number;
  /** Overrides the generic message where a precise one helps (never internal detail). */
  message?: string;
}

export function errorBody(code: ErrorCode, extras: ErrorExtras = {}): ErrorEnvelope {
  const base = ERROR_CODES[code];
  return {
    error: {
      status: base.status,
      statusCode: base.statusCode,
      category: base.category,
      message: extras.message ?? base.message,
      details: base.details,
      ...(extras.params ? { params: extras.params } : {}),
      code,
      ...('resource' in base ? { resource: base.resource } : {}),
      ...(extras.retryAfterMinutes !== undefined ? { retryAfterMinutes: extras.retryAfterMinutes } : {}),
    },
  };
}

interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  keys?: readonly string[];
  expected?: unknown;
  values?: readonly unknown[];
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  format?: string;
  /** A record key's own issues (`invalid_key`). */
  issues?: ReadonlyArray<{ message: string }>;
}

/** The library's default wording ("Invalid input: expected number, received undefined") in plain words. */
function plainReason(issue: IssueLike): string {
  const custom = !/^(Invalid|Too (small|big)|Expected|Unrecognized)/.test(issue.message);
  if (custom) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined/.test(issue.message) ? 'is required' : `must be ${article(String(issue.expected))}`;
    case 'invalid_value':
      return issue.values?.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${(issue.values ?? []).map(String).join(', ')}`;
    case 'invalid_union':
      return 'is not one of the accepted shapes';
    case 'invalid_key':
      return `key ${issue.issues?.[0]?.message ?? 'is not accepted'}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${String(issue.minimum)} characters`
        : issue.origin === 'array' ? `must have at least ${String(issue.minimum)} items` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters`
        : issue.origin === 'array' ? `must have at most ${String(issue.maximum)} items` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'is not in the expected format' : `must be a valid ${issue.format ?? 'value'}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  const noun = expected === 'int' ? 'whole number' : expected === 'record' ? 'object' : expected;
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** Turns zod issues into the envelope's `params`: one `{path: reason}` per issue, first reason per path, in plain words. */
export function issuesToParams(issues: ReadonlyArray<IssueLike>): ErrorParams {
  const seen = new Map<string, string>();
  for (const issue of issues) {
    // An unknown field is named itself, not its parent.
    const names = issue.code === 'unrecognized_keys' && issue.keys?.length
      ? issue.keys.map((key) => formatPath([...issue.path, key]))
      : [issue.path.length === 0 ? 'body' : formatPath(issue.path)];
    const reason = issue.code === 'unrecognized_keys' ? 'is not a known field' : plainReason(issue);
    for (const name of names) if (!seen.has(name)) seen.set(name, reason);
  }
  return [...seen].map(([name, reason]) => ({ [name]: reason }));
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, i) => (i === 0 ? String(part) : `[${String(part)}]`)).join('');
}
