import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { tuneGarbageCollector } from '../../server/gc-tuning.js';
import { serveBenchIpc, SOCKET_OPTIONS } from './child-server.js';

/** (a) Socket.IO doing nothing with heartbeats but acking them; with Checkout Pulse's GC setting under `--tuned-bare`. */
if (process.env.BENCH_TUNE_GC === 'true') tuneGarbageCollector();
const http = createServer();
const io = new Server(http, SOCKET_OPTIONS);
io.of('/checkout').on('connection', (socket) => {
  socket.on('heartbeat', (_payload: unknown, ack: unknown) => {
    if (typeof ack === 'function') ack({ status: 'active', serverTime: new Date().toISOString() });
  });
});
http.listen(0, '127.0.0.1', () => serveBenchIpc(http, () => new Promise((r) => void io.close(() => r()))));
