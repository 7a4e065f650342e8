import type { AppContext } from '../app-context.js';
import type { TenantPrefix } from '../store/keys.js';
import { keys } from '../store/keys.js';

/** One kind of due work, applied per tenant by an atomic script that claims what it applies. */
export interface SweepTask {
  name: string;
  run(prefix: TenantPrefix, now: number): Promise<{ applied: number; more: boolean }>;
}

const SWEEP_GATE = 'cp:sweep-gate';
const MAX_ROUNDS = 50;

/**
 * Runs due work (offline deadlines, lapsed leases, abandonment, expiry) for every tenant.
 * Correctness does not depend on which node sweeps: each script claims and applies atomically,
 * so two nodes never apply the same transition. A short `SET NX PX` gate only saves the work of
 * every node sweeping the same interval (as BullMQ's stalled-job check does).
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private tenants: TenantPrefix[] = [];
  private running: Promise<number> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly tasks: readonly SweepTask[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    const loop = () => {
      this.timer = setTimeout(() => {
        void this.tick({ gated: true }).catch((error: unknown) => {
          this.ctx.logger.warn({ err: error }, 'sweep failed; next interval retries');
        }).finally(() => {
          if (this.timer) loop();
        });
      }, this.intervalMs);
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One pass over every tenant; returns how many transitions it applied. */
  tick(options: { gated?: boolean } = {}): Promise<number> {
    this.running ??= this.pass(options.gated ?? false).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(gated: boolean): Promise<number> {
    if (gated) {
      const won = await this.ctx.redis.set(SWEEP_GATE, this.ctx.nodeId, 'PX', this.intervalMs, 'NX');
      if (won !== 'OK') return 0;
    }
    const now = this.ctx.clock.now();
    let applied = 0;
    for (const prefix of await this.tenantList()) {
      for (const task of this.tasks) {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const result = await task.run(prefix, now);
          applied += result.applied;
          this.ctx.metrics.sweeps.inc({ kind: task.name });
          if (result.applied > 0) this.ctx.metrics.transitions.inc({ kind: task.name }, result.applied);
          if (!result.more) break;
        }
      }
    }
    return applied;
  }

  /** Tenants are only ever added: the set is read again only when its size changed. */
  private async tenantList(): Promise<TenantPrefix[]> {
    const count = await this.ctx.redis.scard(keys.tenants);
    if (count !== this.tenants.length) this.tenants = (await this.ctx.redis.smembers(keys.tenants)) as TenantPrefix[];
    return this.tenants;
  }
}
