import { runCustomer, type CustomerEnv } from './customer.js';
import { seededRandom } from './random.js';
import { newStats, type SimulatorStats } from './stats.js';

export interface SimulatorOptions {
  url: string;
  key: string;
  /** New shoppers a minute. */
  arrivalsPerMinute: number;
  /** Most shoppers at once. */
  maxConcurrent: number;
  heartbeatMs: number;
  speed: number;
  seed: number;
}

export interface Simulator {
  stats: SimulatorStats;
  stop(): Promise<void>;
}

/** Shoppers arriving as a Poisson process, each a real page of the /checkout protocol. */
export function startSimulator(options: SimulatorOptions): Simulator {
  const stats = newStats();
  const random = seededRandom(options.seed);
  let stopped = false;
  const running = new Set<Promise<void>>();
  const env: CustomerEnv = {
    url: options.url.replace(/\/$/, ''), key: options.key, heartbeatMs: options.heartbeatMs,
    speed: options.speed, stats, random, isStopped: () => stopped, backoff: { until: 0 },
  };
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    if (stopped) return;
    const meanMs = 60_000 / options.arrivalsPerMinute / options.speed;
    // While the server asks for less (429), no new shopper arrives either.
    const throttledMs = Math.max(0, env.backoff.until - Date.now());
    timer = setTimeout(() => {
      if (running.size < options.maxConcurrent) {
        // A shopper never takes the simulation down: whatever it meets ends in its stats.
        const customer: Promise<void> = runCustomer(env, Math.floor(random() * 2 ** 31))
          .catch((error: unknown) => {
            stats.errors++;
            stats.lastError = error instanceof Error ? error.message : String(error);
          })
          .finally(() => running.delete(customer));
        running.add(customer);
      }
      next();
    }, throttledMs + -Math.log(1 - random()) * meanMs);
  };
  next();
  return {
    stats,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, 2_000))]);
    },
  };
}
