import { maskEmail } from './log.js';

/** `203.0.113.7` → `203.0.•.•`; IPv6 keeps its first two groups (as the board shows it in kiosk mode). */
export function maskIp(ip: string): string {
  return ip.includes(':') ? `${ip.split(':').slice(0, 2).join(':')}:…` : ip.replace(/\.\d+\.\d+$/, '.•.•');
}

/**
 * A copy of a session, change or list with customers' emails and IPs masked, for readers that must
 * not see them (read-only boards: wall screens, kiosks). Masked on the server, so the full values
 * never reach such a board at all. Walks any JSON shape: sessions, change events, timelines, pages.
 */
export function maskPersonalData<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(walk);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'email' && typeof item === 'string') out[key] = maskEmail(item);
    else if (key === 'ip' && typeof item === 'string') out[key] = maskIp(item);
    else out[key] = walk(item);
  }
  return out;
}
