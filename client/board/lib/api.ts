import type { SessionWithTimeline } from '../../../shared/session';
import type { SessionStats } from '../../../shared/session-stats';

/** The board calls the same REST API as integrators, authenticated by its cookie and this header. */
const HEADERS = { 'x-checkout-pulse': 'board' };

export async function fetchSession(id: string, mode: string): Promise<SessionWithTimeline | undefined> {
  const res = await fetch(`/v1/checkouts/sessions/${encodeURIComponent(id)}?domainAmbient=${mode}`, { headers: HEADERS, credentials: 'same-origin' });
  return res.ok ? ((await res.json()) as SessionWithTimeline) : undefined;
}

export type Action = 'recovery' | 'receipt';

/** Runs an action; resolves to an error message, or undefined when it worked. */
export async function runAction(id: string, action: Action, mode: string): Promise<string | undefined> {
  const res = await fetch(`/v1/checkouts/sessions/${encodeURIComponent(id)}/${action}?domainAmbient=${mode}`, {
    method: 'POST', headers: HEADERS, credentials: 'same-origin',
  });
  if (res.ok) return undefined;
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return body?.error?.message ?? `HTTP ${res.status}`;
}

export async function signIn(key: string): Promise<{ merchantId: string; mode: 'live' | 'test'; role: 'merchant' } | string> {
  const res = await fetch('/board/session', {
    method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify({ key }),
  });
  if (!res.ok) return 'unauthorized';
  return (await res.json()) as { merchantId: string; mode: 'live' | 'test'; role: 'merchant' };
}

export async function signOut(): Promise<void> {
  await fetch('/board/session', { method: 'DELETE', credentials: 'same-origin' });
}

/** Exact headline counts over every session; `since` is the board's local midnight. */
export async function fetchStats(mode: string, since: number): Promise<SessionStats | undefined> {
  const res = await fetch(`/v1/checkouts/stats?domainAmbient=${mode}&since=${new Date(since).toISOString()}`, { headers: HEADERS, credentials: 'same-origin' });
  return res.ok ? ((await res.json()) as SessionStats) : undefined;
}
