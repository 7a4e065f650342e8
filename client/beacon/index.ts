import { startBeacon, type Beacon, type BeaconOptions } from './beacon.js';

export { startBeacon };
export type { Beacon, BeaconOptions };

/**
 * As a `<script src="…/beacon.js" data-session="sess_…" data-secret="cs_…">` tag it starts itself
 * and exposes the running beacon as `window.CheckoutPulse.beacon`.
 */
function autoStart(): Beacon | undefined {
  try {
    const script = document.currentScript as HTMLScriptElement | null;
    const sessionId = script?.dataset.session;
    const clientSecret = script?.dataset.secret;
    if (!script || !sessionId || !clientSecret) return undefined;
    const heartbeatMs = Number(script.dataset.heartbeatMs) || undefined;
    return startBeacon({ sessionId, clientSecret, url: new URL(script.src).origin, ...(heartbeatMs ? { heartbeatMs } : {}) });
  } catch {
    return undefined;
  }
}

export const beacon = autoStart();
