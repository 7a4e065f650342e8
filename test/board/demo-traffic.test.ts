import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { startSimulator } from '../../scripts/simulator/simulator.js';
import { newMerchant } from '../helpers/api.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

/** The demo's traffic, as the board shows it: believable declines and devices, and no crash on a 429. */
let redis: TestRedis;
let node: TestNode;
let limited: TestNode;
beforeAll(async () => {
  redis = await startTestRedis();
  node = await startNode(redis.url);
  limited = await startNode(redis.url, { env: { RATE_LIMIT_PER_KEY: '25' } });
});
afterAll(async () => {
  await limited?.close();
  await node?.close();
  await redis?.stop();
});

describe('the demo\'s simulated shoppers', () => {
  it('fail each payment method its own way and come with the devices of real browsers', async () => {
    const { api, key } = await newMerchant(node.ctx, node.url);
    const simulator = startSimulator({ url: node.url, key, arrivalsPerMinute: 1_200, maxConcurrent: 80, heartbeatMs: 200, speed: 40, seed: 11 });
    try {
      await eventually(async () => {
        const failed = await api.get<{ total: number }>('/v1/checkouts/sessions?status=failed&limit=1');
        expect(failed.body.total).toBeGreaterThan(8);
      }, 40_000, 250);
    } finally {
      await simulator.stop();
    }
    const failed = (await api.get<{ data: CheckoutSession[] }>('/v1/checkouts/sessions?status=failed&limit=100')).body.data;
    for (const s of failed) {
      const code = s.failure!.code;
      if (s.paymentMethodSelected === 'pix') expect(code).toMatch(/^pix_/);
      else if (s.paymentMethodSelected === 'boleto') expect(code).toMatch(/^boleto_/);
      else if (s.paymentMethodSelected === 'wallet') expect(code).toMatch(/^wallet_/);
      else expect(code).not.toMatch(/^(pix|boleto|wallet)_/);
    }
    const opened = (await api.get<{ data: CheckoutSession[] }>('/v1/checkouts/sessions?paymentstepgte=1&limit=100')).body.data;
    expect(opened.length).toBeGreaterThan(5);
    for (const s of opened) expect(s.device.type, s.id).toMatch(/^(desktop|mobile|tablet)$/);
    expect(new Set(opened.map((s) => s.device.os)).size).toBeGreaterThan(1);
    expect(simulator.stats.errors, simulator.stats.lastError).toBe(0);
  }, 60_000);

  it('backs off when the server answers 429, and keeps running instead of crashing', async () => {
    const { key } = await newMerchant(limited.ctx, limited.url);
    const simulator = startSimulator({ url: limited.url, key, arrivalsPerMinute: 1_200, maxConcurrent: 80, heartbeatMs: 200, speed: 40, seed: 5 });
    try {
      await eventually(() => expect(simulator.stats.throttled).toBeGreaterThan(0), 20_000, 100);
      await new Promise((r) => setTimeout(r, 2_500));
      // Each shopper's refused call waits out the Retry-After (tens of seconds here) before trying
      // again, and no new shopper arrives meanwhile: at most one 429 per shopper ever started,
      // where retrying at once would have drawn thousands.
      expect(simulator.stats.throttled).toBeLessThanOrEqual(80);
      expect(simulator.stats.errors, simulator.stats.lastError).toBe(0);
    } finally {
      await simulator.stop();
    }
  }, 40_000);
});
