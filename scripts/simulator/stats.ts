export interface SimulatorStats {
  created: number;
  paid: number;
  failed: number;
  left: number;
  returned: number;
  reloads: number;
  tabs: number;
  /** Shoppers whose session expired or was abandoned while they were still deciding. */
  overtaken: number;
  /** Calls the server refused with 429 and that were tried again after its Retry-After. */
  throttled: number;
  errors: number;
  lastError?: string;
}

export function newStats(): SimulatorStats {
  return { created: 0, paid: 0, failed: 0, left: 0, returned: 0, reloads: 0, tabs: 0, overtaken: 0, throttled: 0, errors: 0 };
}

export function progressLine(s: SimulatorStats): string {
  return `pages ${s.tabs} · sessions ${s.created} · paid ${s.paid} · declines ${s.failed} · left ${s.left} · came back ${s.returned} · reloads ${s.reloads} · ran out ${s.overtaken}${s.throttled ? ` · slowed by the server ${s.throttled}×` : ''}${s.errors ? ` · errors ${s.errors} (${s.lastError})` : ''}`;
}
