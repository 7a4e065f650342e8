import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiClient, createSession } from '../helpers/api.js';
import { useTestNode } from '../helpers/suite.js';
import { eventually } from '../helpers/wait.js';
import { METRICS_HEADERS } from '../helpers/node.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

// A revocation from another process reaches a node within its credential cache's life.
const CREDENTIAL_CACHE_MS = 300;
const suite = useTestNode({ env: { CREDENTIAL_CACHE_MS: String(CREDENTIAL_CACHE_MS) } });

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/checkout-pulse.js', ...args], {
    cwd: root, env: { ...process.env, REDIS_URL: suite.redis.url, ...env }, encoding: 'utf8', timeout: 20_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('checkout-pulse keys', () => {
  it('creates a key that authenticates, and revokes it', async () => {
    const created = cli(['keys', 'create', '--merchant', 'acme', '--mode', 'test']);
    expect(created.code).toBe(0);
    const { key } = JSON.parse(created.out) as { key: string };
    expect(key).toMatch(/^sl_test_[A-Za-z0-9_-]{32}$/);
    const api = apiClient(suite.node.url, key);
    await createSession(api);
    expect(cli(['keys', 'revoke', key]).code).toBe(0);
    await eventually(async () => {
      const after = await api.get('/v1/checkouts/sessions/sess_00000000000000000000');
      expect(after.status).toBe(401);
    }, CREDENTIAL_CACHE_MS + 1_000);
    expect(cli(['keys', 'revoke', key]).code).toBe(1);
  });

  it('keys are stored hashed: the secret appears nowhere in Redis', async () => {
    const { key } = JSON.parse(cli(['keys', 'create', '--merchant', 'acme', '--mode', 'live']).out) as { key: string };
    const everything = await suite.node.ctx.redis.keys('*');
    for (const name of everything) {
      expect(name).not.toContain(key);
      if ((await suite.node.ctx.redis.type(name)) === 'hash') {
        expect(JSON.stringify(await suite.node.ctx.redis.hgetall(name))).not.toContain(key);
      }
    }
  });

  it('refuses bad arguments with usage and a non-zero exit', () => {
    for (const args of [['keys', 'create', '--merchant', 'acme'], ['keys', 'create', '--merchant', 'a b', '--mode', 'test'], ['nope'], ['keys', 'create', '--bogus']]) {
      const result = cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain('Usage');
    }
  });
});

describe('process life', () => {
  it('an invalid setting stops the start with a clear message', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root, env: { ...process.env, REDIS_URL: suite.redis.url, PORT: 'eighty', PRESENCE_TIMEOUT_MS: '-5' }, encoding: 'utf8', timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('PRESENCE_TIMEOUT_MS');
  });

  it('answers /healthz and /readyz, and every response carries X-Request-Id', async () => {
    const health = await fetch(`${suite.node.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/.+/);
    const ready = await fetch(`${suite.node.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${suite.node.url}/metrics`, { headers: METRICS_HEADERS })).text();
    expect(metrics).toContain('checkout_pulse_page_connections');
    expect(metrics).toContain('nodejs_gc_duration_seconds');
    // Not the collectors that walk every handle on each scrape (slow with thousands of sockets).
    expect(metrics).not.toMatch(/^nodejs_active_handles|^process_open_fds/m);
  });

  it('unknown routes and missing keys get the error envelope', async () => {
    const missing = await fetch(`${suite.node.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'notFound', statusCode: 404, status: 'Not Found' } });
    for (const headers of [{}, { selectkey: 'sl_test_wrong' }, { selectkey: 'x'.repeat(5_000) }] as Array<Record<string, string>>) {
      const res = await fetch(`${suite.node.url}/v1/checkouts/sessions/sess_00000000000000000000`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(await res.json()).toEqual({
        error: {
          status: 'Unauthorized', statusCode: 401, category: 'authentication', message: 'Unauthorized',
          details: 'Authentication failed. The provided API key is invalid or does not have permission to operate.', code: 'unauthorized',
        },
      });
    }
  });
});
