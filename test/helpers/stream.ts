import type { Redis } from 'ioredis';
import type { RedisClient } from '../../server/redis/connect.js';
import { keys, tenantPrefix, type Tenant } from '../../server/store/keys.js';

export interface StreamEntry {
  id: string;
  kind: string;
  sessionId: string;
}

/** Every event on a tenant's change stream, oldest first. */
export async function readStream(redis: RedisClient, tenant: Tenant): Promise<StreamEntry[]> {
  const entries = await (redis as Redis).xrange(keys.stream(tenantPrefix(tenant)), '-', '+');
  return entries.map(([id, fields]) => {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
    return { id, kind: map.get('k') ?? '', sessionId: map.get('s') ?? '' };
  });
}

export const ONLINE_KINDS = new Set(['page_opened', 'came_back']);
export const OFFLINE_KINDS = new Set(['went_offline']);

/** The presence flips of one session, in order: true online, false offline. */
export function presenceFlips(entries: readonly StreamEntry[], sessionId: string): boolean[] {
  return entries
    .filter((e) => e.sessionId === sessionId && (ONLINE_KINDS.has(e.kind) || OFFLINE_KINDS.has(e.kind)))
    .map((e) => ONLINE_KINDS.has(e.kind));
}
