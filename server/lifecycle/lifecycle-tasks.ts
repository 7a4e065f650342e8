import type { AppContext } from '../app-context.js';
import type { SweepTask } from './sweeper.js';

const BATCH = 500;

/** Due lifecycle work beyond presence: abandonment after the offline period, and expiry. */
export function lifecycleSweepTasks(ctx: AppContext): SweepTask[] {
  return [
    { name: 'abandon', run: (prefix, now) => ctx.lifecycle.abandonDue(prefix, BATCH, now) },
    { name: 'expire', run: (prefix, now) => ctx.lifecycle.expireDue(prefix, BATCH, now) },
  ];
}
