import type { ApiClient } from '../../test/helpers/api.js';
import { apiClient, createSession, SAMPLE_SESSION } from '../../test/helpers/api.js';
import { boardCookie } from '../../test/helpers/board-client.js';
import { startBalancer } from '../../test/helpers/haproxy.js';
import { FAST_PRESENCE } from '../../test/helpers/node.js';
import { startNodeProcess, type NodeProcess } from '../../test/helpers/node-process.js';
import { keepBeating } from '../../test/helpers/page-beat.js';
import { connectPage, firstStatus, type Transport } from '../../test/helpers/polling-page.js';
import { startTestRedis } from '../../test/helpers/redis.js';
import { openResumingBoard } from '../../test/helpers/resuming-board.js';
import { OFFLINE_KINDS, ONLINE_KINDS, readStream, type StreamEntry } from '../../test/helpers/stream.js';
import { eventually } from '../../test/helpers/wait.js';
import { systemClock } from '../../server/clock.js';
import { connectRedis } from '../../server/redis/connect.js';
import { freePort } from '../../server/redis/free-port.js';
import { ApiKeyStore } from '../../server/store/api-keys-store.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import type { Tenant } from '../../server/store/keys.js';
import type { CheckoutSession } from '../../shared/session.js';

/**
 * Faults against three real nodes behind the shipped HAProxy config, one Redis, live pages (half
 * WebSocket, half long-polling), a resuming board and an API writer. Prints one JSON object per
 * fault: offline spells, flaps, API errors and latencies, board events missed or repeated, recovery.
 * Presence runs on the suite's fast timings (printed), so bounds are seconds, not minutes.
 */
const PAGES = 20;
const STOP_MS = Number(process.env.FAULT_STOP_MS ?? 20_000);
const BOARD_OFFLINE_MS = Number(process.env.FAULT_BOARD_OFFLINE_MS ?? 60_000);
const timeoutMs = Number(FAST_PRESENCE.PRESENCE_TIMEOUT_MS);
const streamMs = (id: string) => Number(id.split('-')[0]);

const redis = await startTestRedis();
const admin = connectRedis({ url: redis.url });
const ports = await Promise.all([0, 1, 2].map(() => freePort()));
const startAt = (port: number) => startNodeProcess(redis.url, { PORT: String(port), TRUST_PROXY: '1', REDIS_COMMAND_TIMEOUT_MS: '2000' });
const nodes: NodeProcess[] = await Promise.all(ports.map(startAt));
const balancer = await startBalancer({ nodes: ports.map((p) => `127.0.0.1:${p}`) as [string, string, string] });
await balancer.nodesUp();
const tenant: Tenant = { merchantId: `faults_${Date.now()}`, mode: 'test' };
const api: ApiClient = apiClient(balancer.url, await new ApiKeyStore(admin, systemClock).create(tenant.merchantId, tenant.mode));
const board = await openResumingBoard(balancer.url, await boardCookie(balancer.url, await new BoardTokenStore(admin, systemClock).create(tenant)));

const pages = await Promise.all(Array.from({ length: PAGES }, async (_, i) => {
  const transport: Transport = i % 2 ? 'polling' : 'websocket';
  const session = await createSession(api);
  const socket = connectPage(balancer.url, session.id, session.clientSecret, transport);
  await firstStatus(socket);
  keepBeating(socket, Number(FAST_PRESENCE.HEARTBEAT_INTERVAL_MS));
  return { socket, transport, sessionId: session.id };
}));

interface Call { at: number; ms: number; status: number; id?: string }
const calls: Call[] = [];
let writing = true;
const writer = (async () => {
  while (writing) {
    const started = performance.now();
    const res = await api.post<CheckoutSession>('/v1/checkouts/sessions', SAMPLE_SESSION).catch(() => ({ status: 0, body: undefined }));
    calls.push({ at: started, ms: performance.now() - started, status: res.status, ...(res.status === 201 ? { id: res.body!.id } : {}) });
    await new Promise((r) => setTimeout(r, 20));
  }
})();

async function allOnline(): Promise<void> {
  await eventually(async () => {
    if (pages.some((p) => !p.socket.connected)) throw new Error('a page is not connected');
    const list = await api.get<{ data: CheckoutSession[] }>(`/v1/checkouts/sessions?limit=100&online=true`);
    const online = new Set(list.body.data.map((s) => s.id));
    if (pages.some((p) => !online.has(p.sessionId))) throw new Error('a page reads offline');
  }, 120_000, 50);
}

function spells(entries: readonly StreamEntry[]) {
  const out: number[] = [];
  let stuck = 0;
  for (const { sessionId } of pages) {
    let since: number | undefined;
    for (const e of entries.filter((x) => x.sessionId === sessionId)) {
      if (OFFLINE_KINDS.has(e.kind)) since = streamMs(e.id);
      else if (ONLINE_KINDS.has(e.kind) && since !== undefined) {
        out.push(streamMs(e.id) - since);
        since = undefined;
      }
    }
    if (since !== undefined) stuck++;
  }
  return { spells: out.length, maxOfflineMs: out.length ? Math.max(...out) : 0, stillOffline: stuck };
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!) : 0;
};

async function measure(name: string, fault: () => Promise<void>): Promise<void> {
  await allOnline();
  const streamBefore = (await readStream(admin, tenant)).length;
  const boardBefore = board.events.length;
  const callsBefore = calls.length;
  const started = performance.now();
  await fault();
  await allOnline();
  const recoveryMs = Math.round(performance.now() - started);
  await new Promise((r) => setTimeout(r, timeoutMs));
  const stream = (await readStream(admin, tenant)).slice(streamBefore);
  const seen = board.events.slice(boardBefore).map((e) => e.id);
  await eventually(() => {
    if (!stream.every((e) => board.events.some((b) => b.id === e.id))) throw new Error('board behind');
  }, 10_000, 50).catch(() => undefined);
  const boardIds = board.events.slice(boardBefore).map((e) => e.id);
  const window = calls.slice(callsBefore);
  const errors: Record<string, number> = {};
  for (const c of window) if (c.status !== 201) errors[c.status] = (errors[c.status] ?? 0) + 1;
  console.log(JSON.stringify({
    fault: name,
    recoveryMs,
    presence: { ...spells(stream), flaps: stream.filter((e) => OFFLINE_KINDS.has(e.kind)).length },
    api: { calls: window.length, errors, p50Ms: pct(window.map((c) => c.ms), 0.5), p99Ms: pct(window.map((c) => c.ms), 0.99), maxMs: pct(window.map((c) => c.ms), 1) },
    board: { missed: stream.filter((e) => !boardIds.includes(e.id)).length, duplicated: boardIds.length - new Set(boardIds).size, snapshots: board.snapshots, seenDuringFault: seen.length },
  }));
}

const settings = { presence: FAST_PRESENCE, pages: PAGES, transports: 'half websocket, half long-polling', stopMs: STOP_MS, boardOfflineMs: BOARD_OFFLINE_MS };
console.log(JSON.stringify({ settings }));
await measure('kill -9 one node', async () => {
  await nodes[0]!.kill('SIGKILL');
  nodes[0] = await startAt(ports[0]!);
  await balancer.nodesUp();
});
await measure(`SIGSTOP one node ${STOP_MS / 1000} s, then SIGCONT`, async () => {
  nodes[1]!.child.kill('SIGSTOP');
  await new Promise((r) => setTimeout(r, STOP_MS));
  nodes[1]!.child.kill('SIGCONT');
  await balancer.nodesUp(60_000);
});
await measure('rolling restart of all three', async () => {
  for (let i = 0; i < nodes.length; i++) {
    await nodes[i]!.kill('SIGTERM');
    nodes[i] = await startAt(ports[i]!);
    await balancer.nodesUp();
  }
});
await measure('Redis restart (SIGTERM, AOF)', () => redis.restart());
await measure(`board offline ${BOARD_OFFLINE_MS / 1000} s`, async () => {
  board.goOffline();
  await new Promise((r) => setTimeout(r, BOARD_OFFLINE_MS));
  board.comeBack();
});

writing = false;
await writer;
const accepted = calls.filter((c) => c.id);
let lost = 0;
for (const c of accepted) if ((await api.get(`/v1/checkouts/sessions/${c.id}`)).status !== 200) lost++;
console.log(JSON.stringify({ acceptedWrites: accepted.length, lostWrites: lost }));

for (const page of pages) page.socket.close();
board.close();
await balancer.stop();
await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
admin.disconnect();
await redis.stop();
process.exit(0);
