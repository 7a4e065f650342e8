import { io, type Socket } from 'socket.io-client';
import type { SimulatorStats } from './stats.js';
import { seededRandom, weighted } from './random.js';
import { BEHAVIOUR, CITIES, DECLINE_MESSAGES, DECLINES_BY_METHOD, FIRST_NAMES, PAYMENT_METHODS, PRODUCTS, USER_AGENTS, type DeclineCode } from './profiles.js';

export interface CustomerEnv {
  url: string;
  key: string;
  heartbeatMs: number;
  /** Think times are divided by this (a faster simulation). */
  speed: number;
  stats: SimulatorStats;
  random: () => number;
  isStopped: () => boolean;
  /** Shared by every shopper: after a 429 nobody calls the API again before `until`. */
  backoff: { until: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls beyond this many refusals in a row give up (the shopper leaves); the simulation goes on. */
const MAX_THROTTLED_TRIES = 6;

/**
 * One API call. A 429 is the server asking for less: every shopper waits out its Retry-After
 * (growing, with jitter, when it repeats), then the call is tried again.
 */
async function api(env: CustomerEnv, method: string, path: string, body?: unknown): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const wait = env.backoff.until - Date.now();
    if (wait > 0) await sleep(wait);
    const res = await fetch(`${env.url}${path}`, {
      method,
      headers: { selectkey: env.key, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 429 && attempt < MAX_THROTTLED_TRIES) {
      await res.body?.cancel();
      env.stats.throttled++;
      const retryAfterMs = (Number(res.headers.get('retry-after')) || 1) * 1000;
      const delay = Math.min(60_000, retryAfterMs * 2 ** Math.min(attempt, 3)) * (1 + env.random() * 0.3);
      env.backoff.until = Math.max(env.backoff.until, Date.now() + delay);
      continue;
    }
    if (!res.ok) {
      const failure = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      throw new ApiFailure(`${method} ${path}: ${res.status} ${failure.error?.message ?? ''}`.trim(), res.status);
    }
    return res.json();
  }
}

class ApiFailure extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** The session expired (short-lived ones do) or was abandoned while the shopper was deciding. */
const ranOut = (error: unknown) => error instanceof ApiFailure && error.status === 422 && / an? (expired|abandoned) session/.test(error.message);

/** One tab of a checkout page: a real socket on /checkout that heartbeats until closed. */
class Tab {
  readonly socket: Socket;
  private timer: NodeJS.Timeout;

  constructor(env: CustomerEnv, sessionId: string, clientSecret: string, userAgent: string) {
    // The page's own browser: the server reads the device from the handshake's user agent.
    this.socket = io(`${env.url}/checkout`, {
      auth: { sessionId, clientSecret }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { 'user-agent': userAgent },
    });
    this.timer = setInterval(() => this.socket.emit('heartbeat', { visible: true }), env.heartbeatMs);
    this.socket.on('connect', () => this.socket.emit('heartbeat', { visible: true }));
    env.stats.tabs++;
    this.socket.on('disconnect', () => {
      clearInterval(this.timer);
    });
    this.closed = new Promise((resolve) => this.socket.once('disconnect', () => resolve()));
  }

  readonly closed: Promise<void>;

  emit(event: string, payload: unknown): Promise<void> {
    return new Promise((resolve) => this.socket.timeout(5_000).emit(event, payload, () => resolve()));
  }

  /** A clean close (tab closed) or a silent death (lid shut: the socket just stops answering). */
  close(env: CustomerEnv, silent: boolean): void {
    clearInterval(this.timer);
    env.stats.tabs--;
    if (silent) {
      // Stop answering pings; the server's transport timeout notices.
      (this.socket.io.engine as unknown as { transport?: { ws?: { pause?: () => void } } }).transport?.ws?.pause?.();
      setTimeout(() => this.socket.disconnect(), 120_000).unref();
    } else {
      this.socket.disconnect();
    }
  }
}

/** One shopper: arrives, browses the funnel at human speed, pays or leaves, sometimes comes back. */
export async function runCustomer(env: CustomerEnv, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const think = (min: number, max: number) => sleep((min + random() * (max - min)) / env.speed);
  const product = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
  const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
  const [city, country, currency] = CITIES[Math.floor(random() * CITIES.length)]!;
  const userAgent = weighted(random, USER_AGENTS);
  const email = `${first.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${Math.floor(random() * 10_000)}@example.com`;
  const quantity = random() < 0.15 ? 2 : 1;
  // Prices abroad in the shopper's currency, rounded to .90; Pix and boleto are Brazilian only.
  const unit = currency === 'BRL' ? product.cents : Math.round(product.cents / (currency === 'EUR' ? 6 : 5.5) / 100) * 100 - 10;
  const methods = currency === 'BRL' ? PAYMENT_METHODS : { credit_card: 70, debit_card: 10, wallet: 20 };
  const tabs: Tab[] = [];
  const leave = async () => {
    const silent = random() < BEHAVIOUR.silentDeath;
    for (const tab of tabs) tab.close(env, silent);
    env.stats.left++;
    if (random() < BEHAVIOUR.returnLater && !env.isStopped()) {
      await think(90_000, 240_000);
      if (env.isStopped()) return;
      env.stats.returned++;
      const again = new Tab(env, id, clientSecret, userAgent);
      await think(20_000, 60_000);
      again.close(env, false);
    }
  };
  let id = '';
  let clientSecret = '';

  try {
    const created = await api(env, 'POST', '/v1/checkouts/sessions', {
      totalAmount: unit * quantity,
      currency,
      source: weighted(random, { api: 40, payment_link: 35, checkout_link: 20, integration: 5 }),
      domainHost: 'checkout.example.com',
      language: currency === 'BRL' ? (random() < 0.9 ? 'pt-BR' : 'en') : currency === 'EUR' ? 'pt-PT' : 'en',
      customer: { name: first, city, country, ...(random() < 0.5 ? { email } : {}) },
      product: { id: product.id, name: product.name, quantity },
      ...(random() < BEHAVIOUR.shortLifetime ? { expiresInMs: 60_000 + Math.floor(random() * 60_000) } : {}),
    }) as { id: string; clientSecret: string };
    env.stats.created++;
    ({ id, clientSecret } = created);
    tabs.push(new Tab(env, id, clientSecret, userAgent));
    if (random() < BEHAVIOUR.secondTab) tabs.push(new Tab(env, id, clientSecret, userAgent));
    await think(4_000, 15_000);
    if (random() < BEHAVIOUR.reload) {
      tabs[0]!.close(env, false);
      await sleep(800 / env.speed);
      tabs[0] = new Tab(env, id, clientSecret, userAgent);
      env.stats.reloads++;
    }
    if (random() < BEHAVIOUR.leaveBeforeDetails) return await leave();
    await tabs[0]!.emit('details_provided', { email });
    await think(5_000, 20_000);
    if (random() < BEHAVIOUR.leaveBeforeMethod) return await leave();
    const method = weighted(random, methods as Record<keyof typeof DECLINES_BY_METHOD, number>);
    await tabs[0]!.emit('payment_method_selected', { method });
    await think(5_000, 25_000);
    if (random() < BEHAVIOUR.leaveBeforePaying) return await leave();
    for (let attempt = 0; attempt < 3; attempt++) {
      await api(env, 'POST', `/v1/checkouts/sessions/${id}/events`, { type: 'payment_attempted', method });
      await think(2_000, 6_000);
      if (random() < BEHAVIOUR.declineShare) {
        const code = weighted(random, DECLINES_BY_METHOD[method] as Record<DeclineCode, number>);
        await api(env, 'POST', `/v1/checkouts/sessions/${id}/events`, { type: 'payment_failed', code, message: DECLINE_MESSAGES[code], method });
        env.stats.failed++;
        if (random() >= BEHAVIOUR.retryAfterDecline) return await leave();
        await think(5_000, 15_000);
        continue;
      }
      await api(env, 'POST', `/v1/checkouts/sessions/${id}/events`, {
        type: 'payment_succeeded', transactionId: `tra_${id.slice(5, 17)}`, method,
        portalUrl: `https://portal.example.com/c/${id.slice(5, 13)}`, orderUrl: `https://shop.example.com/orders/${id.slice(5, 13)}`,
      });
      env.stats.paid++;
      await think(3_000, 8_000);
      for (const tab of tabs) tab.close(env, false);
      return;
    }
    await leave();
  } catch (error) {
    for (const tab of tabs) tab.close(env, false);
    if (ranOut(error)) {
      env.stats.overtaken++;
      return;
    }
    env.stats.errors++;
    env.stats.lastError = error instanceof Error ? error.message : String(error);
  }
}
