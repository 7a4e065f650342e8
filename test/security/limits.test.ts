import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { listenMetrics } from '../../server/http/metrics-listener.js';
import { METRICS_HEADERS, startNode, type TestNode } from '../helpers/node.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode({ env: { RATE_LIMIT_AUTH_PER_IP: '5', RATE_LIMIT_HANDSHAKES_PER_IP: '5' } });
const others: TestNode[] = [];
afterAll(async () => {
  for (const node of others) await node.close();
});

/** Connects to a namespace and says how it was refused: the namespace's own error, or the handshake's. */
function connectOutcome(url: string, namespace: string): Promise<string> {
  const socket = io(`${url}${namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: {} });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve(error.message);
    });
  });
}

describe('limits on routes without an API key (finding 7)', () => {
  it('board sign-in, board links, recovery links and metrics share a per-IP budget, then answer 429', async () => {
    const { url } = suite.node;
    const tries = [
      () => fetch(`${url}/board/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'sl_test_guessguessguessguessguess' }) }),
      () => fetch(`${url}/board?token=bt_guessguessguessguessguessguessgu`, { redirect: 'manual' }),
      () => fetch(`${url}/recover/abc.def`),
      () => fetch(`${url}/recover/abc.def`, { method: 'POST' }),
      () => fetch(`${url}/metrics`),
    ];
    const statuses: number[] = [];
    for (const attempt of tries) statuses.push((await attempt()).status);
    expect(statuses).not.toContain(429);
    for (const attempt of tries) {
      const refused = await attempt();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The API's own routes keep their own limits.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('socket handshakes are limited per IP on both namespaces', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) outcomes.push(await connectOutcome(suite.node.url, i % 2 ? '/board' : '/checkout'));
    // The first five reach the namespaces (and are refused there for their missing credentials).
    expect(outcomes.slice(0, 5).every((o) => o === 'unauthorized' || o === 'invalidParameters')).toBe(true);
    // Then the handshake itself is refused before any namespace code runs.
    expect(outcomes.slice(5).every((o) => o !== 'unauthorized' && o !== 'invalidParameters' && o !== 'connected')).toBe(true);
  });
});

describe('/metrics is not public (finding 7)', () => {
  it('needs the bearer token when one is set', async () => {
    const node = await startNode(suite.redis.url);
    others.push(node);
    expect((await fetch(`${node.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${node.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const ok = await fetch(`${node.url}/metrics`, { headers: METRICS_HEADERS });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('checkout_pulse_');
  });

  it('is absent from the public listener without a token, or when it has its own listener', async () => {
    const open = await startNode(suite.redis.url, { env: { METRICS_TOKEN: undefined as unknown as string } });
    others.push(open);
    expect(open.ctx.config.env.METRICS_TOKEN).toBeUndefined();
    expect((await fetch(`${open.url}/metrics`)).status).toBe(404);
    const node = await startNode(suite.redis.url, { env: { METRICS_PORT: '9' } });
    others.push(node);
    expect((await fetch(`${node.url}/metrics`, { headers: METRICS_HEADERS })).status).toBe(404);
    const own = await listenMetrics(node.ctx, 0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${own.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('checkout_pulse_');
    } finally {
      await own.close();
    }
  });
});
