import type { CreatedSession } from '../../shared/session.js';
import type { AppContext } from '../../server/app-context.js';
import { responseProblems } from './openapi-responses.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small client of the REST API for one key. */
export function apiClient(baseUrl: string, key?: string) {
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key ? { selectkey: key } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    // Every response of the API tests is held to the OpenAPI document, so the two cannot drift apart.
    const problems = responseProblems(method, path, res.status, parsed, res.headers);
    if (problems.length > 0) throw new Error(`response does not match /openapi.json:\n${problems.join('\n')}`);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    call,
    get: <T = unknown>(path: string) => call<T>('GET', path),
    post: <T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
    delete: <T = unknown>(path: string) => call<T>('DELETE', path),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

let merchantCounter = 0;

/** A fresh merchant with a key of the given mode, and a client for it. */
export async function newMerchant(ctx: AppContext, baseUrl: string, mode: 'live' | 'test' = 'test') {
  const merchantId = `m_${process.pid}_${++merchantCounter}_${Math.random().toString(36).slice(2, 8)}`;
  const key = await ctx.apiKeys.create(merchantId, mode);
  return { merchantId, mode, key, api: apiClient(baseUrl, key) };
}

export const SAMPLE_SESSION = {
  totalAmount: 46523,
  currency: 'BRL',
  domainHost: 'checkout.example.com',
  language: 'pt-BR',
  customer: { email: 'ana@example.com', name: 'Ana Souza', country: 'BR', city: 'São Paulo' },
  product: { id: 'prod_pro', name: 'Pro license', quantity: 1 },
};

export async function createSession(api: ApiClient, overrides: Record<string, unknown> = {}): Promise<CreatedSession> {
  const res = await api.post<CreatedSession>('/v1/checkouts/sessions', { ...SAMPLE_SESSION, ...overrides });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
