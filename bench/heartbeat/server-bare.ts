import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { serveBenchIpc, SOCKET_OPTIONS } from './child-server.js';

/** (a) Socket.IO doing nothing with heartbeats but acking them. */
const http = createServer();
const io = new Server(http, SOCKET_OPTIONS);
io.of('/checkout').on('connection', (socket) => {
  socket.on('heartbeat', (_payload: unknown, ack: unknown) => {
    if (typeof ack === 'function') ack({ status: 'active', serverTime: new Date().toISOString() });
  });
});
http.listen(0, '127.0.0.1', () => serveBenchIpc(http, () => new Promise((r) => void io.close(() => r()))));
