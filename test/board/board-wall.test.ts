import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardTokenStore } from '../../server/store/board-tokens-store.js';
import { createSession, newMerchant, type ApiClient } from '../helpers/api.js';
import { ARTIFACTS, launchBrowser } from '../helpers/browser.js';
import { FAST_PRESENCE, startNode, type TestNode } from '../helpers/node.js';
import { openPage, type PageSocket } from '../helpers/page.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

/**
 * The board as a wall display, in Chromium at the sizes it is watched at, with shoppers arriving,
 * paying and failing through the real API and real checkout sockets meanwhile.
 */
let redis: TestRedis;
let node: TestNode;
let browser: BrowserContext;
let merchant: Awaited<ReturnType<typeof newMerchant>>;
let boardUrl: string;
const sockets: PageSocket[] = [];
const pageErrors: string[] = [];

const PEOPLE = ['ana', 'bruno', 'carla', 'diego', 'elisa', 'fabio', 'gabi', 'hugo', 'iris', 'joao', 'karina', 'lucas'];
const PRODUCTS = ['Pro license', 'Team plan', 'Ebook bundle', 'Video course'];

/** Shoppers arriving at a steady rate, each a real checkout page; every few, an earlier one pays or fails. */
class Traffic {
  private timer: NodeJS.Timeout | undefined;
  private n = 0;
  private readonly open: string[] = [];
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly api: ApiClient, private readonly baseUrl: string) {}

  start(perMinute: number): void {
    this.timer = setInterval(() => {
      const done = this.arrive().catch(() => undefined).finally(() => this.inFlight.delete(done));
      this.inFlight.add(done);
    }, 60_000 / perMinute);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private async arrive(): Promise<void> {
    const i = this.n++;
    const who = PEOPLE[i % PEOPLE.length]!;
    const s = await createSession(this.api, {
      totalAmount: 2_990 + (i % 17) * 4_110, customer: { email: `${who}.${i}@example.com`, name: who, country: 'BR' },
      product: { name: PRODUCTS[i % PRODUCTS.length]! },
    });
    const { socket } = await openPage(this.baseUrl, s.id, s.clientSecret);
    sockets.push(socket);
    this.open.push(s.id);
    // One in three earlier shoppers settles now: two pay, one fails.
    if (i % 3 === 2 && this.open.length > 6) {
      const earlier = this.open.splice(Math.floor(this.open.length / 2), 1)[0]!;
      await this.api.post(`/v1/checkouts/sessions/${earlier}/events`, i % 2 === 0
        ? { type: 'payment_succeeded', transactionId: `tra_w${i}` }
        : { type: 'payment_failed', code: 'insufficient_funds', message: 'Insufficient funds' });
    }
  }
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  redis = await startTestRedis();
  // Twice the suite's fast presence timeout: the shoppers' sockets live in this process, and on a
  // machine busy with the whole suite a pause of half a second outlasted the transport's pong wait
  // (T/3 - s), dropping the failed shopper the risk view is about.
  node = await startNode(redis.url, { env: { ...FAST_PRESENCE, PRESENCE_TIMEOUT_MS: '3000' } });
  browser = await launchBrowser({ width: 1920, height: 1080 });
  merchant = await newMerchant(node.ctx, node.url);
  boardUrl = `${node.url}/board?theme=dark`;
  // Money of three currencies, one without minor units, so the totals must keep them apart.
  const big = await createSession(merchant.api, { totalAmount: 5_097_540, currency: 'BRL', customer: { email: 'big@example.com', name: 'Grande' } });
  await merchant.api.post(`/v1/checkouts/sessions/${big.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_big' });
  const yen = await createSession(merchant.api, { totalAmount: 12_000, currency: 'JPY', customer: { email: 'ken@example.jp', name: 'Ken' } });
  await merchant.api.post(`/v1/checkouts/sessions/${yen.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_yen' });
  const risky = await createSession(merchant.api, { totalAmount: 9_135_200, customer: { email: 'lia@example.com', name: 'Lia' } });
  sockets.push((await openPage(node.url, risky.id, risky.clientSecret)).socket);
  await merchant.api.post(`/v1/checkouts/sessions/${risky.id}/events`, { type: 'payment_failed', code: 'card_declined', message: 'Card declined' });
  const traffic = new Traffic(merchant.api, node.url);
  for (let i = 0; i < 40; i++) await traffic['arrive']();
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await browser?.close();
  await node?.close();
  await redis?.stop();
});

async function openBoard(query = '&lang=en', size = { width: 1920, height: 1080 }): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.setViewportSize(size);
  // A board link of its own per screen: one credential's snapshots are budgeted (a dozen screens
  // reloading at once is fine; the same link opened fifty times a minute is a flood).
  const token = await new BoardTokenStore(node.ctx.redis, node.ctx.clock).create({ merchantId: merchant.merchantId, mode: 'test' });
  await page.goto(`${boardUrl.replace('?', `?token=${token}&`)}${query}`);
  await page.waitForSelector('[data-connection="live"]');
  await page.locator('[data-session]').first().waitFor();
  return page;
}

/** Headline texts wider than their box (each figure and its label and comparison). */
const overflowing = (page: Page) => page.evaluate<string[]>(`(() => {
  const out = [];
  for (const tile of document.querySelectorAll('[data-kpi-tile]')) {
    const fit = tile.querySelector('.fit');
    const text = fit?.querySelector('.text');
    if (!fit || !text) out.push(tile.dataset.kpiTile + ': no figure');
    else if (text.getBoundingClientRect().width > fit.getBoundingClientRect().width + 0.5) out.push(tile.dataset.kpiTile + ': ' + text.textContent);
    if (tile.scrollWidth > tile.clientWidth + 1) out.push(tile.dataset.kpiTile + ': tile');
  }
  return out;
})()`);

/** Ids of the rows wholly inside the list's visible area, top to bottom. */
const visibleRows = (page: Page) => page.evaluate<string[]>(`(() => {
  const list = document.querySelector('.list').getBoundingClientRect();
  return [...document.querySelectorAll('.list [data-session]')]
    .filter((row) => { const r = row.getBoundingClientRect(); return r.top >= list.top + 1 && r.bottom <= list.bottom + 1; })
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
    .map((row) => row.dataset.session);
})()`);

describe('the board on a wall, in Chromium with live traffic', () => {
  const traffic = () => new Traffic(merchant.api, node.url);

  it.each([
    ['1920x1080', { width: 1920, height: 1080 }, '&lang=en'],
    ['1280x720', { width: 1280, height: 720 }, '&lang=pt-BR'],
    ['3840x2160', { width: 3840, height: 2160 }, '&kiosk&lang=en'],
    ['390x844', { width: 390, height: 844 }, '&lang=pt-BR'],
  ])('at %s no headline overflows, the list has its share of the screen, and everything is reachable', async (name, size, query) => {
    const live = traffic();
    live.start(120);
    const page = await openBoard(query, size);
    try {
      // Several seconds of traffic: the figures change while we look.
      for (let i = 0; i < 3; i++) {
        await page.waitForTimeout(700);
        expect(await overflowing(page)).toEqual([]);
      }
      await page.screenshot({ path: join(ARTIFACTS, `board-wall-${name}.png`) });
      // Row text for three metres: a 1080p TV's rows at 24 px or more, scaling with the screen.
      const rowPx = await page.evaluate<number>("parseFloat(getComputedStyle(document.querySelector('.list [data-session] .amount')).fontSize)");
      expect(rowPx).toBeGreaterThanOrEqual(size.width >= 3840 ? 48 : size.width >= 1920 ? 24 : 16);
      const listArea = await page.locator('.list-area').boundingBox();
      expect(listArea).not.toBeNull();
      if (size.width >= 1280) {
        // A TV: the list takes at least half the screen.
        // On failure, the height of each band says which one took the room.
        const bands = await page.evaluate<string>(`[...document.querySelectorAll('.board > *, .sessions > *')]
          .map((e) => (e.getAttribute('class') ?? '').split(' ')[0] + ' ' + Math.round(e.getBoundingClientRect().height)).join(', ')`);
        expect((listArea!.width * listArea!.height) / (size.width * size.height), bands).toBeGreaterThanOrEqual(0.5);
      } else {
        // A phone: the page scrolls to the list, and a row opens its session.
        await page.locator('.list-area').scrollIntoViewIfNeeded();
        // The "N new" marker floats over the top of the list while traffic arrives: a row below it.
        const row = page.locator('.list [data-session] button.open').last();
        await row.click();
        await page.locator('dialog[open]').waitFor();
        await page.keyboard.press('Escape');
        await page.locator('dialog[open]').waitFor({ state: 'detached' });
        await page.screenshot({ path: join(ARTIFACTS, `board-wall-${name}-list.png`) });
      }
    } finally {
      await live.stop();
      await page.close();
    }
  });

  it('keeps rows still at 300 shoppers a minute: 80% or more of the visible rows are there, in order, a second later', async () => {
    const page = await openBoard();
    await page.mouse.move(5, 5);
    const live = traffic();
    live.start(300);
    try {
      await page.waitForTimeout(1_500);
      const samples: string[][] = [];
      for (let i = 0; i < 9; i++) {
        samples.push(await visibleRows(page));
        await page.waitForTimeout(1_000);
      }
      const kept: number[] = [];
      for (let i = 1; i < samples.length; i++) {
        const before = samples[i - 1]!;
        const after = samples[i]!;
        // Rows still on screen whose order among themselves is unchanged.
        const stayed = before.filter((id) => after.includes(id));
        const inOrder = stayed.every((id, k) => k === 0 || after.indexOf(id) > after.indexOf(stayed[k - 1]!));
        kept.push(before.length === 0 ? 0 : (inOrder ? stayed.length : 0) / before.length);
      }
      expect(samples[0]!.length).toBeGreaterThanOrEqual(10);
      const average = kept.reduce((a, b) => a + b, 0) / kept.length;
      expect(average).toBeGreaterThanOrEqual(0.8);
    } finally {
      await live.stop();
    }
    // The shoppers who arrived meanwhile were let in at a calm pace, with nobody clicking the
    // marker (the pointer rests off the list): once traffic stops the list holds them all.
    const newest = await merchant.api.get<{ data: Array<{ id: string }> }>('/v1/checkouts/sessions?status=active&limit=1');
    await expect.poll(() => page.locator(`[data-session="${newest.body.data[0]!.id}"]`).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('[data-waiting]').count()).toBe(0);
    await page.close();
  });

  it('shows a sale and a failure caused through the API in the activity feed within a second', async () => {
    const page = await openBoard();
    const paying = await createSession(merchant.api, { customer: { email: 'paga@example.com', name: 'Paga' } });
    const failing = await createSession(merchant.api, { customer: { email: 'falha@example.com', name: 'Falha' } });
    await page.waitForTimeout(300);
    await merchant.api.post(`/v1/checkouts/sessions/${paying.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_feed' });
    await expect.poll(() => page.locator(`[data-feed="sale"][data-feed-session="${paying.id}"]`).count(), { timeout: 1_000, interval: 50 }).toBe(1);
    await merchant.api.post(`/v1/checkouts/sessions/${failing.id}/events`, { type: 'payment_failed', code: 'insufficient_funds', message: 'Insufficient funds' });
    const failure = page.locator(`[data-feed="failure"][data-feed-session="${failing.id}"]`);
    await expect.poll(() => failure.count(), { timeout: 1_000, interval: 50 }).toBe(1);
    expect(await failure.innerText()).toContain('Not enough funds');
    await page.close();
  });

  it('maps shoppers online by country, from the board\'s own copy of the world', async () => {
    const page = await openBoard();
    const brazil = page.locator('[data-map] circle[data-country="BR"]');
    await brazil.waitFor();
    expect(await page.locator('[data-map] path').count()).toBeGreaterThan(150);
    expect(await page.locator('[data-map] svg').getAttribute('aria-label')).toMatch(/^Brazil: \d+/);
    await page.close();
  });

  it('money at risk opens the carts it counts', async () => {
    const page = await openBoard();
    await page.locator('[data-kpi-tile="risk"]').click();
    await page.locator('[data-tab="risk"]').waitFor();
    // As many carts listed as the figure counts (both are read from the same sessions).
    await expect.poll(async () => [await page.locator('.list').getAttribute('aria-rowcount'), await page.locator('[data-risk-count]').getAttribute('data-risk-count')])
      .toSatisfy(([listed, counted]) => listed === counted && Number(counted) > 0);
    for (const word of await page.locator('.list .status .word').allInnerTexts()) expect(['Open', 'Failed']).toContain(word);
    // The failed shopper still on the page is among them.
    // A read-only board gets emails masked by the server (l***@example.com).
    await page.fill('input[type="search"]', 'l***@example.com');
    await expect.poll(() => page.locator('.list .status .word').allInnerTexts(), { timeout: 5_000 }).toContain('Failed');
    await page.close();
  });

  it('text holds 4.5:1 contrast on its background, in both themes', async () => {
    for (const theme of ['dark', 'light']) {
      const page = await openBoard(`&lang=en&theme=${theme}`);
      const poor = await page.evaluate<string[]>(`(() => {
        const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
        const background = (el) => {
          for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length >= 3 && (c[3] === undefined || c[3] === 1)) return c;
          }
          return rgb(getComputedStyle(document.body).backgroundColor);
        };
        const out = [];
        for (const el of document.querySelectorAll('.kpis *, .tabs *, .list .head span, .list [data-session] span, .side *, .top *')) {
          const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
          if (!own || el.closest('[aria-hidden="true"]:not(.text)') || !el.getClientRects().length) continue;
          const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) out.push(el.textContent.trim().slice(0, 30) + ' ' + ratio.toFixed(2));
        }
        return out;
      })()`);
      expect(poor, theme).toEqual([]);
      await page.close();
    }
  });

  it('keeps currencies apart and shows yen without minor units', async () => {
    const page = await openBoard();
    await page.locator('[data-tab="succeeded"]').click();
    await page.fill('input[type="search"]', 'k***@example.jp');
    const yenRow = page.locator('[data-session]', { hasText: 'k***@example.jp' });
    expect(await yenRow.locator('.amount').innerText()).toBe('¥12,000');
    expect(await page.locator('[data-other-currencies]').innerText()).toContain('¥12,000');
    await page.close();
  });

  it('in pt-BR leaves no English status or label word on the board, its drawer or its screen-reader names', async () => {
    const page = await openBoard('&lang=pt-BR');
    await page.locator('[data-tab="failed"]').click();
    await page.locator('[data-session] button.open').first().click();
    await page.locator('dialog[open] .timeline li').first().waitFor();
    const text = await page.evaluate<string>(`[
      document.body.innerText,
      ...[...document.querySelectorAll('[aria-label], [title], [placeholder]')].map((el) => ['aria-label', 'title', 'placeholder'].map((a) => el.getAttribute(a) ?? '').join(' ')),
    ].join('\\n')`);
    const english = /\b(Open|Failed|Succeeded|Completed|Abandoned|Expired|Active|active|failed|completed|abandoned|expired|Paid|Sale|Declines?|Live|Connecting|Disconnected|Customer|Amount|Status|Close|Timeline|ago|now|Card declined|Insufficient funds|payment_failed|card_declined|insufficient_funds)\b/g;
    // Emails, ids, the product names of the shop and the API filter's own syntax (status=failed) are data, not words.
    const words = text.replace(/\S+@\S+|sess_\w+|status=\w+/g, '').match(english) ?? [];
    expect(words).toEqual([]);
    expect(text).toContain('Falharam');
    await page.screenshot({ path: join(ARTIFACTS, 'board-wall-pt-BR-drawer.png') });
    await page.close();
  });

  it('the drawer is a modal dialog: focus starts in it, Tab stays in it, Escape gives it back', async () => {
    const page = await openBoard();
    const opener = page.locator('[data-session] button.open').first();
    await opener.focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog[open]').waitFor();
    await page.locator('dialog[open] .timeline li').first().waitFor();
    for (let i = 0; i < 25; i++) {
      expect(await page.evaluate("!!document.activeElement?.closest('dialog[open]')")).toBe(true);
      await page.keyboard.press(i % 5 === 4 ? 'Shift+Tab' : 'Tab');
    }
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' });
    expect(await page.evaluate("document.activeElement?.classList.contains('open')")).toBe(true);
    await page.close();
  });

  it('kiosk: TEST badge, shop, clock, rotation bar, masked emails and no cursor', async () => {
    const page = await openBoard('&lang=en&kiosk&shop=Loja%20Demo');
    expect(await page.locator('[data-mode-badge]').innerText()).toBe('TEST');
    expect(await page.locator('[data-shop]').innerText()).toBe('Loja Demo');
    expect(await page.locator('.rotation').count()).toBe(1);
    expect(await page.evaluate("getComputedStyle(document.querySelector('.board')).cursor")).toBe('none');
    const text = await page.locator('.list-area').innerText();
    expect(text).not.toMatch(/[a-z]{2,}(\.\d+)?@example\.com/);
    await page.close();
  });

  // Last: it stops the server.
  it('when the server is gone nothing pulses and the data\'s time is shown in the header and the banner alike', async () => {
    const page = await openBoard();
    await expect.poll(() => page.locator('.dot.on').count()).toBeGreaterThan(0);
    await node.close();
    await page.locator('[data-stale]').waitFor({ timeout: 10_000 });
    const asOf = await page.locator('[data-as-of]').innerText();
    const time = /\d{2}:\d{2}:\d{2}/.exec(asOf)?.[0];
    expect(time).toBeDefined();
    expect(await page.locator('[data-banner]').innerText()).toContain(time);
    expect(await page.locator('.dot.on').count()).toBe(0);
    // No animation runs anywhere (the beat, the highlight, the rotation), and the clock of the rows stopped.
    await page.waitForTimeout(1_200);
    expect(await page.evaluate("document.getAnimations().filter((a) => a.playState === 'running').length")).toBe(0);
    const rowsBefore = await page.locator('.list').innerText();
    await page.waitForTimeout(1_100);
    expect(await page.locator('.list').innerText()).toBe(rowsBefore);
    expect(await page.locator('[data-banner]').innerText()).toContain(time);
    await page.screenshot({ path: join(ARTIFACTS, 'board-wall-stale.png') });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
