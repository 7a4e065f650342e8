import type { AppContext } from '../app-context.js';
import type { SweepTask } from './sweeper.js';

/** Due lifecycle work beyond presence: abandonment and expiry. */
export function lifecycleSweepTasks(_ctx: AppContext): SweepTask[] {
  return [];
}
