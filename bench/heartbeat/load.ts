import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';

/** The load: N WebSocket pages in this process, driven by the orchestrator over IPC. */
export type LoadCommand =
  | { type: 'connect'; url: string; pagesFile: string }
  /** ackEvery: 1 acks every heartbeat; n > 1 sends the others as the beacon does, without an ack. */
  | { type: 'beat'; ratePerSecond: number; durationMs: number; ackEvery?: number }
  | { type: 'stop' };

export type LoadReply =
  | { type: 'connected'; pages: number; failed: number }
  | { type: 'beaten'; sent: number; acked: number; errors: number; p50Ms: number; p99Ms: number; maxMs: number; achievedPerSecond: number };

interface PageAuth { sessionId: string; clientSecret: string }

const sockets: Socket[] = [];
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
  let sent = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const outstanding: Promise<void>[] = [];
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= durationMs) {
        clearInterval(timer);
        done();
        return;
      }
      const due = Math.floor((elapsed / 1000) * ratePerSecond) - sent;
      for (let i = 0; i < due; i++) {
        const socket = sockets[next++ % sockets.length]!;
        const at = performance.now();
        sent++;
        if (sent % ackEvery !== 0) {
          socket.emit('heartbeat', { visible: true });
          continue;
        }
        outstanding.push(socket.timeout(10_000).emitWithAck('heartbeat', { visible: true }).then(
          () => void latencies.push(performance.now() - at),
          () => void errors++,
        ));
      }
    }, 10);
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

process.on('message', (command: LoadCommand) => {
  if (command.type === 'connect') {
    void connectAll(command.url, JSON.parse(readFileSync(command.pagesFile, 'utf8')) as PageAuth[]);
  } else if (command.type === 'beat') {
    void beat(command.ratePerSecond, command.durationMs, command.ackEvery);
  } else {
    for (const socket of sockets) socket.disconnect();
    process.exit(0);
  }
});
