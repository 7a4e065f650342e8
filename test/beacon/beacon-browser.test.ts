import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { systemClock } from '../../server/clock.js';
import { connectRedis } from '../../server/redis/connect.js';
import { ApiKeyStore } from '../../server/store/api-keys-store.js';
import { keys, tenantPrefix } from '../../server/store/keys.js';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { launchBrowser } from '../helpers/browser.js';
import { FAST_PRESENCE, startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

const TIMEOUT_MS = Number(FAST_PRESENCE.PRESENCE_TIMEOUT_MS);
const GRACE_MS = Number(FAST_PRESENCE.OFFLINE_GRACE_MS);
const MERCHANT = 'beacon_demo';

let redis: TestRedis;
let node: TestNode;
let browser: BrowserContext;
let api: ApiClient;

beforeAll(async () => {
  redis = await startTestRedis();
  const client = connectRedis({ url: redis.url });
  const key = await new ApiKeyStore(client, systemClock).create(MERCHANT, 'test');
  client.disconnect();
  process.env.DEMO_MERCHANT_KEY = key;
  node = await startNode(redis.url);
  delete process.env.DEMO_MERCHANT_KEY;
  api = apiClient(node.url, key);
  browser = await launchBrowser({ width: 1200, height: 800 });
});
afterAll(async () => {
  await browser?.close();
  await node?.close();
  await redis?.stop();
});

async function openDemo(init?: string) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(`${node.url}/demo?hb=${FAST_PRESENCE.HEARTBEAT_INTERVAL_MS}`);
  await page.waitForURL(/session=/);
  const sessionId = new URL(page.url()).searchParams.get('session')!;
  await eventually(async () => expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${sessionId}`)).body.online).toBe(true));
  return { page, sessionId, errors };
}

describe('the beacon on the demo checkout page', () => {
  it('goes online, reports the funnel, and a declined then paid checkout travels the real events API', async () => {
    const { page, sessionId, errors } = await openDemo();
    await page.fill('#email', 'maria@example.com');
    await page.locator('#email').blur();
    await page.check('input[value="credit_card"]');
    await eventually(async () => expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${sessionId}`)).body)
      .toMatchObject({ paymentStep: 3, paymentMethodSelected: 'credit_card', customer: { email: 'maria@example.com' } }));
    await page.fill('#card', '4000 0000 0000 0002');
    await page.click('#pay');
    await expect.poll(() => page.locator('#result').innerText()).toContain('declined');
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${sessionId}`)).body).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });
    await page.check('input[value="pix"]');
    await page.click('#pay');
    await expect.poll(() => page.locator('#result').innerText()).toContain('Paid');
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${sessionId}`)).body).toMatchObject({ status: 'completed', attemptCount: 2 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('closing the page sends the left beacon, and the session goes offline after the grace', async () => {
    const { page, sessionId } = await openDemo();
    const closedAt = Date.now();
    await page.close({ runBeforeUnload: true });
    const prefix = tenantPrefix({ merchantId: MERCHANT, mode: 'test' });
    // The beacon named its socket: the server remembers that this tab said it left.
    await eventually(async () => expect(await node.ctx.redis.exists(keys.released(prefix, sessionId))).toBe(1), 3_000);
    await eventually(async () => expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${sessionId}`)).body.online).toBe(false), GRACE_MS + 2_000, 20);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS);
  });

  it('a background tab whose timers are throttled to once a minute stays online while its socket lives', async () => {
    // Chrome throttles hidden tabs' timers hard; only the first heartbeat gets out here.
    const throttle = `{ const real = window.setInterval.bind(window); window.setInterval = (fn, ms, ...a) => real(fn, Math.max(ms ?? 0, 60000), ...a); }`;
    const { page, sessionId } = await openDemo(throttle);
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 2.5));
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${sessionId}`)).body.online).toBe(true);
    await page.close();
  });

  it('fits its size budget: at most 16 KB gzip, transport included', () => {
    for (const file of ['beacon.js', 'beacon.mjs']) {
      const size = gzipSync(readFileSync(`dist/client/${file}`), { level: 9 }).length;
      expect(size, file).toBeLessThanOrEqual(16 * 1024);
    }
  });
});
