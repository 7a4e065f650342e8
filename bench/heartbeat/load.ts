import { readFileSync } from 'node:fs';
import { paced } from '../paced.js';
import type { Writable } from 'node:stream';
import { io, type Socket } from 'socket.io-client';

/** The load: N WebSocket pages in this process, driven by the orchestrator over IPC. */
export type LoadCommand =
  | { type: 'connect'; url: string; pagesFile: string }
  /** ackEvery: 1 acks every heartbeat; n > 1 sends the others as the beacon does, without an ack. */
  | { type: 'beat'; ratePerSecond: number; durationMs: number; ackEvery?: number }
  /**
   * Closed loop: `lanes` windows in flight, each `ackEvery - 1` heartbeats without an ack then one
   * with, on one page (pages taken round-robin); a lane sends its next window when the ack returns.
   */
  | { type: 'saturate'; durationMs: number; ackEvery: number; lanes: number }
  | { type: 'stop' };

export type LoadReply =
  | { type: 'connected'; pages: number; failed: number }
  | { type: 'beaten'; sent: number; acked: number; errors: number; p50Ms: number; p99Ms: number; maxMs: number; achievedPerSecond: number }
  /** heartbeats: all sent, each known to be processed (a page's ack follows its earlier heartbeats). */
  | { type: 'saturated'; heartbeats: number; windows: number; errors: number; elapsedMs: number; cpuMicros: number; p50Ms: number; p99Ms: number };

interface PageAuth { sessionId: string; clientSecret: string }

const sockets: Socket[] = [];
let rawPages: RawPage[] | undefined;
const send = (reply: LoadReply) => process.send?.(reply);

async function connectAll(url: string, pages: PageAuth[]): Promise<void> {
  let failed = 0;
  const BATCH = 250;
  for (let i = 0; i < pages.length; i += BATCH) {
    await Promise.all(pages.slice(i, i + BATCH).map((auth) => new Promise<void>((resolve) => {
      const socket = io(`${url}/checkout`, { auth: { ...auth }, transports: ['websocket'], forceNew: true, reconnection: false });
      socket.once('connect', () => {
        sockets.push(socket);
        resolve();
      });
      socket.once('connect_error', () => {
        failed++;
        resolve();
      });
    })));
  }
  send({ type: 'connected', pages: sockets.length, failed });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends heartbeats round-robin at a fixed total rate (ticks of 10 ms) and measures ack latency. */
async function beat(ratePerSecond: number, durationMs: number, ackEvery = 1): Promise<void> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const outstanding: Promise<void>[] = [];
  const sent = await paced(ratePerSecond, durationMs, (n) => {
    const socket = sockets[n % sockets.length]!;
    const at = performance.now();
    if ((n + 1) % ackEvery !== 0) {
      socket.emit('heartbeat', { visible: true });
      return;
    }
    outstanding.push(socket.timeout(10_000).emitWithAck('heartbeat', { visible: true }).then(
      () => void latencies.push(performance.now() - at),
      () => void errors++,
    ));
  });
  await Promise.all(outstanding);
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  send({
    type: 'beaten', sent, acked: latencies.length, errors,
    p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? 0,
    achievedPerSecond: latencies.length / elapsedS,
  });
}

/** The bytes a page sends for `socket.emit('heartbeat', {visible: true}, ack?)`: one masked WebSocket text frame. */
function heartbeatFrame(ackId?: number): Buffer {
  const payload = Buffer.from(`42/checkout,${ackId ?? ''}["heartbeat",{"visible":true}]`);
  // Masked, as a client's frames must be; a zero key leaves the payload as it is (RFC 6455 5.3).
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}

interface RawPage { tcp: Writable; nextAckId: number; waiting: Map<number, () => void> }

/**
 * The page's WebSocket, written to directly: the frames are byte for byte what Socket.IO's client
 * sends, built once, so this process (one core, like the server) outpaces the server it measures.
 * Acks are read off the connection before the client's own parser, which ignores ids it never issued.
 */
function rawPage(socket: Socket): RawPage {
  const engine = socket.io.engine as unknown as { transport: { ws?: { _socket?: Writable } }; on(event: 'message', fn: (data: unknown) => void): void };
  const tcp = engine.transport.ws?._socket;
  if (!tcp) throw new Error('saturation needs the websocket transport');
  const page: RawPage = { tcp, nextAckId: 1_000_000, waiting: new Map() };
  engine.on('message', (data) => {
    if (typeof data !== 'string' || !data.startsWith('3/checkout,')) return;
    const id = Number.parseInt(data.slice('3/checkout,'.length), 10);
    const done = page.waiting.get(id);
    page.waiting.delete(id);
    done?.();
  });
  return page;
}

/**
 * Offers as many heartbeats as the server takes, closed loop: a lane sends a window to the next
 * page and waits for its ack. Replies once every window has been acked, so the server has
 * processed every heartbeat counted when the orchestrator reads its CPU time.
 */
async function saturate(durationMs: number, ackEvery: number, lanes: number): Promise<void> {
  rawPages ??= sockets.map(rawPage);
  const pages = rawPages;
  const unacked = Buffer.concat(Array.from({ length: ackEvery - 1 }, () => heartbeatFrame()));
  const latencies: number[] = [];
  let heartbeats = 0;
  let windows = 0;
  let errors = 0;
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (performance.now() - started < durationMs) {
      const page = pages[next++ % pages.length]!;
      const id = page.nextAckId++;
      const at = performance.now();
      const acked = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          page.waiting.delete(id);
          resolve(false);
        }, 10_000);
        page.waiting.set(id, () => {
          clearTimeout(timer);
          resolve(true);
        });
        page.tcp.write(Buffer.concat([unacked, heartbeatFrame(id)]));
      });
      if (!acked) {
        errors++;
        continue;
      }
      latencies.push(performance.now() - at);
      windows++;
      heartbeats += ackEvery;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  send({
    type: 'saturated', heartbeats, windows, errors, elapsedMs: performance.now() - started, cpuMicros: cpu.user + cpu.system,
    p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99),
  });
}

process.on('message', (command: LoadCommand) => {
  if (command.type === 'connect') {
    void connectAll(command.url, JSON.parse(readFileSync(command.pagesFile, 'utf8')) as PageAuth[]);
  } else if (command.type === 'beat') {
    void beat(command.ratePerSecond, command.durationMs, command.ackEvery);
  } else if (command.type === 'saturate') {
    void saturate(command.durationMs, command.ackEvery, command.lanes);
  } else {
    for (const socket of sockets) socket.disconnect();
    process.exit(0);
  }
});
