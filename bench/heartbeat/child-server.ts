import type { Server as HttpServer } from 'node:http';

/** What a benchmarked server child reports to the orchestrator over IPC. */
export type ServerReply =
  | { type: 'ready'; port: number }
  | { type: 'stats'; rssBytes: number; heapUsedBytes: number; cpuMicros: number };

export type ServerCommand = { type: 'stats'; gc?: boolean } | { type: 'stop' };

/** Answers the orchestrator: memory and CPU of this process, on demand. */
export function serveBenchIpc(http: HttpServer, stop: () => Promise<void>): void {
  const send = (reply: ServerReply) => process.send?.(reply);
  process.on('message', (command: ServerCommand) => {
    if (command.type === 'stats') {
      if (command.gc) {
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        gc?.();
      }
      const cpu = process.cpuUsage();
      send({ type: 'stats', rssBytes: process.memoryUsage.rss(), heapUsedBytes: process.memoryUsage().heapUsed, cpuMicros: cpu.user + cpu.system });
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
