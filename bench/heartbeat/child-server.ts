import { writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';

/** What a benchmarked server child reports to the orchestrator over IPC. */
export type ServerReply =
  | { type: 'ready'; port: number }
  | { type: 'stats'; rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; cpuMicros: number }
  | { type: 'profiled' };

export type ServerCommand =
  | { type: 'stats'; gc?: boolean }
  /** CPU profile of the measured phases only (start once, stop at the end), written to `file`. */
  | { type: 'profile-start'; intervalMicros: number }
  | { type: 'profile-stop'; file: string }
  /** A heap snapshot (which collects garbage first), written to `file`; answered with `stats`. */
  | { type: 'heap-snapshot'; file: string }
  | { type: 'stop' };

/** Answers the orchestrator: memory and CPU of this process, on demand. */
export function serveBenchIpc(http: HttpServer, stop: () => Promise<void>): void {
  const send = (reply: ServerReply) => process.send?.(reply);
  let inspector: Session | undefined;
  process.on('message', (command: ServerCommand) => {
    if (command.type === 'profile-start') {
      inspector = new Session();
      inspector.connect();
      void inspector.post('Profiler.enable')
        .then(() => inspector?.post('Profiler.setSamplingInterval', { interval: command.intervalMicros }))
        .then(() => inspector?.post('Profiler.start'))
        .then(() => send({ type: 'profiled' }));
    } else if (command.type === 'profile-stop') {
      void inspector?.post('Profiler.stop').then(({ profile }) => {
        writeFileSync(command.file, JSON.stringify(profile));
        inspector?.disconnect();
        send({ type: 'profiled' });
      });
    } else if (command.type === 'stats' || command.type === 'heap-snapshot') {
      if (command.type === 'heap-snapshot') writeHeapSnapshot(command.file);
      if (command.type === 'heap-snapshot' || command.gc) {
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        gc?.();
      }
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      send({ type: 'stats', rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external, cpuMicros: cpu.user + cpu.system });
    } else {
      void stop().finally(() => process.exit(0));
    }
  });
  const address = http.address();
  if (address && typeof address === 'object') send({ type: 'ready', port: address.port });
}

/** Socket.IO options every variant shares, so only the heartbeat handling differs. */
export const SOCKET_OPTIONS = {
  transports: ['websocket' as const],
  perMessageDeflate: false,
  httpCompression: false,
  maxHttpBufferSize: 16 * 1024,
  pingInterval: 10_000,
  pingTimeout: 9_000,
  serveClient: false,
};
