import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { serveBenchIpc, SOCKET_OPTIONS } from './child-server.js';

/** (b) The peer a user would write: two awaited Redis commands per heartbeat. */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const http = createServer();
const io = new Server(http, SOCKET_OPTIONS);
io.of('/checkout').on('connection', (socket) => {
  const sessionId = String((socket.handshake.auth as { sessionId?: unknown }).sessionId ?? socket.id);
  socket.on('heartbeat', async (_payload: unknown, ack: unknown) => {
    const key = `presence:${sessionId}`;
    await redis.hset(key, 'online', '1', 'lastVisitAt', Date.now());
    await redis.expire(key, 30);
    if (typeof ack === 'function') ack({ status: 'active', serverTime: new Date().toISOString() });
  });
});
http.listen(0, '127.0.0.1', () => serveBenchIpc(http, async () => {
  await new Promise<void>((r) => void io.close(() => r()));
  redis.disconnect();
}));
