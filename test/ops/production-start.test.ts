import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIsFresh } from '../../scripts/build-state.mjs';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { systemClock } from '../../server/clock.js';
import { connectRedis } from '../../server/redis/connect.js';
import { useTestNode } from '../helpers/suite.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const suite = useTestNode();
const children: Array<() => void> = [];
afterAll(() => children.forEach((stop) => stop()));

describe('npm start', () => {
  it('runs the built server (the global setup built it), serving the API, the board and the beacon', async () => {
    expect(buildIsFresh()).toBe(true);
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root, env: { ...process.env, REDIS_URL: suite.redis.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'checkout pulse listening' && entry.port) resolve(entry.port);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    // A current build is run as it is: nothing rebuilt, no TypeScript at run time.
    expect(stderr).not.toContain('building');
    const url = `http://127.0.0.1:${port}`;
    const redis = connectRedis({ url: suite.redis.url });
    const token = await new BoardTokenStore(redis, systemClock).create({ merchantId: 'prod_start', mode: 'test' });
    redis.disconnect();
    const exchange = await fetch(`${url}/board?token=${token}`, { redirect: 'manual' });
    expect(exchange.status).toBe(303);
    const board = await fetch(`${url}/board`, { headers: { cookie: exchange.headers.get('set-cookie')!.split(';')[0]! } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain('<div id="app"');
    expect((await fetch(`${url}/beacon.js`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  });
});
