import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession } from '../../shared/session.js';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { apiClient, createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { ARTIFACTS, launchBrowser } from '../helpers/browser.js';
import { startNode, type TestNode } from '../helpers/node.js';
import { heartbeat, openPage, type PageSocket } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let node: TestNode;
let browser: BrowserContext;
let merchant: Awaited<ReturnType<typeof newMerchant>>;
let boardUrl: string;
const consoleErrors: string[] = [];
const pages: PageSocket[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  redis = await startTestRedis();
  node = await startNode(redis.url);
  browser = await launchBrowser();
  merchant = await newMerchant(node.ctx, node.url);
  const token = await new BoardTokenStore(node.ctx.redis, node.ctx.clock).create({ merchantId: merchant.merchantId, mode: 'test' });
  boardUrl = `${node.url}/board?token=${token}`;
  await seed(merchant.api);
});
afterAll(async () => {
  for (const p of pages) p.disconnect();
  await browser?.close();
  await node?.close();
  await redis?.stop();
});

const PEOPLE = ['ana', 'bruno', 'carla', 'diego', 'elisa', 'fabio', 'gabi', 'hugo', 'iris', 'joao'];

/** A little traffic of every kind, so the screenshots show a living board. */
async function seed(api: ApiClient) {
  for (const [i, who] of PEOPLE.entries()) {
    const s = await createSession(api, { totalAmount: 4_990 + i * 3_150, customer: { email: `${who}@example.com`, name: who }, product: { name: ['Pro license', 'Team plan', 'Ebook bundle'][i % 3]! } });
    if (i % 5 === 0) await api.post(`/v1/checkouts/sessions/${s.id}/events`, { type: 'payment_failed', code: ['card_declined', 'insufficient_funds'][i % 2]!, message: 'Declined', method: 'credit_card' });
    if (i % 5 === 1) await api.post(`/v1/checkouts/sessions/${s.id}/events`, { type: 'payment_succeeded', transactionId: `tra_${i}`, portalUrl: 'https://portal.example.com/x', method: 'pix' });
    if (i % 5 === 2) await api.delete(`/v1/checkouts/sessions/${s.id}`);
    if (i % 5 === 3) {
      await api.post(`/v1/checkouts/sessions/${s.id}/events`, { type: 'payment_method_selected', method: 'pix' });
      pages.push((await openPage(node.url, s.id, s.clientSecret)).socket);
    }
  }
}

async function openBoard(query = ''): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${boardUrl}&lang=en${query}`);
  await page.waitForSelector('[data-connection="live"]');
  return page;
}

const count = (page: Page, tab: string) => page.locator(`[data-count="${tab}"]`).getAttribute('data-value').then(Number);

describe('the live board in Chromium', () => {
  it('shows a new session the moment its page heartbeats, then moves it to Failed with its reason', async () => {
    const page = await openBoard('&theme=dark');
    const created = await createSession(merchant.api, { customer: { email: 'zeca@example.com' } });
    const { socket } = await openPage(node.url, created.id, created.clientSecret);
    pages.push(socket);
    await heartbeat(socket);
    // New rows wait behind a marker (nobody's row is pushed down) until let in.
    await page.locator('[data-waiting]').click();
    const row = page.locator(`[data-session="${created.id}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('.dot.on').count()).toBe(1);
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'board-dark.png') });

    await merchant.api.post(`/v1/checkouts/sessions/${created.id}/events`, { type: 'payment_failed', code: 'insufficient_funds', message: 'Insufficient funds' });
    await page.click('[data-tab="failed"]');
    await page.locator(`[data-session="${created.id}"] button.open`).click();
    await expect.poll(() => page.locator('[data-failure]').getAttribute('data-failure')).toBe('insufficient_funds');
    expect(await page.locator('[data-failure]').innerText()).toBe('Not enough funds');
    await page.screenshot({ path: join(ARTIFACTS, 'board-drawer.png') });
    await page.close();
  });

  it('a signed-in merchant recovers a sale: the mail lands in the outbox and recoverySent flips', async () => {
    const target = await createSession(merchant.api, { customer: { email: 'lia@example.com' } });
    await merchant.api.post(`/v1/checkouts/sessions/${target.id}/events`, { type: 'payment_failed', code: 'card_declined', message: 'Card declined' });
    const page = await openBoard('&theme=light');
    await page.click('text=Sign in to act');
    await page.fill('input[type="password"]', merchant.key);
    await page.press('input[type="password"]', 'Enter');
    await page.waitForSelector('[data-connection="live"]');
    await page.click('[data-tab="failed"]');
    await page.locator(`[data-session="${target.id}"] button.open`).click();
    await page.click('[data-action="recovery"]');
    // It asks first, naming who and how much.
    expect(await page.locator('.confirm').innerText()).toContain('lia@example.com');
    await page.click('[data-action="confirm-recovery"]');
    await expect.poll(async () => (await merchant.api.get<CheckoutSession>(`/v1/checkouts/sessions/${target.id}`)).body.recoverySent).toBe(true);
    const outbox = await merchant.api.get<{ data: Array<{ to: string }> }>('/v1/outbox');
    expect(outbox.body.data.map((m) => m.to)).toContain('lia@example.com');
    // The row says so; the drawer's recovery button no longer offers a second one.
    await expect.poll(() => page.locator(`[data-session="${target.id}"] [data-recovery]`).count()).toBe(1);
    await expect.poll(() => page.locator('[data-action="recovery"]').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await page.click('[data-tab="open"]');
    await page.screenshot({ path: join(ARTIFACTS, 'board-light.png') });
    await page.close();
  });

  it('filters with the list API\'s own parameters: the Open tab shows what the API lists', async () => {
    const page = await openBoard();
    await page.locator('[data-session]').first().waitFor();
    await page.fill('input.api-filter', 'totalAmountGte=15000&recoverySent=false');
    const listed = await merchant.api.get<{ data: CheckoutSession[] }>('/v1/checkouts/sessions?status=active&totalAmountGte=15000&recoverySent=false&limit=100');
    const want = listed.body.data.map((s) => s.id).sort();
    expect(want.length).toBeGreaterThan(0);
    await expect.poll(async () => (await page.locator('.list [data-session]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-session')))).sort()).toEqual(want);
    await page.fill('input.api-filter', 'totalAmountGte=lots');
    await expect.poll(() => page.locator('input.api-filter').getAttribute('data-filter-error')).toMatch(/^totalAmountGte /);
    // Said on the board, not only in an attribute: the filter was not applied.
    expect(await page.locator('.filter-error[role="alert"]').innerText()).toMatch(/^Filter not applied: totalAmountGte /);
    await page.close();
  });

  it('kiosk mode masks emails and hides the controls', async () => {
    const page = await openBoard('&kiosk');
    await page.locator('[data-session]').first().waitFor();
    const text = await page.locator('.list-area').innerText();
    expect(text).not.toMatch(/[a-z]{2,}@example\.com/);
    expect(text).toMatch(/\*\*\*@example\.com/);
    expect(await page.locator('input[type="search"]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'board-kiosk.png') });
    await page.close();
  });

  it('a server restart mid-stream loses no event: the board\'s counts equal the API\'s after it resumes', async () => {
    const page = await openBoard();
    const before = await createSession(merchant.api);
    await page.locator(`[data-session="${before.id}"]`).waitFor();
    const port = node.port;
    await node.close();
    await expect.poll(() => page.locator('[data-connection="offline"]').count(), { timeout: 10_000 }).toBe(1);
    // Changes while the board's server is down, made through another node on the same Redis.
    const other = await startNode(redis.url);
    const viaOther = apiClient(other.url, merchant.key);
    for (let i = 0; i < 5; i++) {
      const s = await createSession(viaOther);
      await viaOther.post(`/v1/checkouts/sessions/${s.id}/events`, { type: 'payment_succeeded', transactionId: `tra_r${i}` });
    }
    await other.close();
    node = await startNode(redis.url, { port });
    await expect.poll(() => page.locator('[data-connection="live"]').count(), { timeout: 20_000 }).toBe(1);
    for (const [tab, status] of [['succeeded', 'completed'], ['failed', 'failed'], ['open', 'active']] as const) {
      const total = (await apiClient(node.url, merchant.key).get<{ total: number }>(`/v1/checkouts/sessions?status=${status}&limit=1`)).body.total;
      await expect.poll(() => count(page, tab), { timeout: 10_000 }).toBe(total);
    }
    await page.close();
  });

  it('logged no console errors', () => {
    expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });
});
