import { io, type Socket } from 'socket.io-client';

export type PaymentMethod = 'pix' | 'credit_card' | 'debit_card' | 'boleto' | 'wallet';
export type SessionStatus = 'active' | 'failed' | 'completed' | 'abandoned' | 'expired';

export interface SessionState {
  status: SessionStatus;
  expiresAt: string;
  serverTime: string;
}

export interface BeaconOptions {
  sessionId: string;
  clientSecret: string;
  /** Origin of the Checkout Pulse server; defaults to where this script was loaded from. */
  url?: string;
  /** Heartbeat interval (default 10 s). */
  heartbeatMs?: number;
  /** Called whenever the server states the session's status (on connect and on every change). */
  onStatus?: (state: SessionState) => void;
}

export interface Beacon {
  detailsProvided(email?: string): Promise<SessionState | undefined>;
  paymentMethodSelected(method: PaymentMethod): Promise<SessionState | undefined>;
  /** The last status the server stated. */
  readonly state: SessionState | undefined;
  stop(): void;
}

type Ack = SessionState | { error: { code: string; message: string } };

/** Runs `fn` and swallows anything it throws: a monitoring script must never break a checkout. */
function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/**
 * Joins a checkout page to Checkout Pulse: a WebSocket (polling as a fallback) that heartbeats,
 * reports funnel steps, says `left` on pagehide and comes back from the back-forward cache.
 * Reconnects with backoff and jitter. A throttled background tab still answers the transport's
 * pings, and the server renews its lease, so it never looks dead.
 */
export function startBeacon(options: BeaconOptions): Beacon {
  const origin = (options.url ?? location.origin).replace(/\/$/, '');
  const heartbeatMs = Math.max(1_000, options.heartbeatMs ?? 10_000);
  let state: SessionState | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  const socket: Socket = io(`${origin}/checkout`, {
    auth: { sessionId: options.sessionId, clientSecret: options.clientSecret },
    transports: ['websocket', 'polling'],
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 30_000,
    randomizationFactor: 0.5,
  });

  const visible = () => document.visibilityState === 'visible';
  const beat = () => safely(() => {
    if (socket.connected) socket.emit('heartbeat', { visible: visible() });
  });
  const setState = (next: SessionState) => {
    state = next;
    safely(() => options.onStatus?.(next));
    // A finished session needs no more heartbeats.
    if (next.status === 'completed' || next.status === 'expired') stopTimer();
  };
  const startTimer = () => {
    timer ??= setInterval(beat, heartbeatMs);
  };
  const stopTimer = () => {
    clearInterval(timer);
    timer = undefined;
  };

  socket.on('connect', () => {
    beat();
    startTimer();
  });
  socket.on('session_status', (next: SessionState) => setState(next));
  socket.on('connect_error', (error: Error) => {
    // A refused secret will not get better by retrying.
    if (error.message === 'unauthorized' || error.message === 'invalidParameters') safely(() => socket.disconnect());
  });

  const onVisibility = () => visible() && beat();
  const onPageHide = () => safely(() => {
    const body = JSON.stringify({ sessionId: options.sessionId, clientSecret: options.clientSecret, state: 'left', ...(socket.id ? { connectionId: socket.id } : {}) });
    navigator.sendBeacon?.(`${origin}/v1/presence`, new Blob([body], { type: 'text/plain' }));
    stopTimer();
    socket.disconnect();
  });
  const onPageShow = (event: PageTransitionEvent) => safely(() => {
    if (event.persisted && !stopped) socket.connect();
  });
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onPageHide);
  addEventListener('pageshow', onPageShow);

  const send = (event: string, payload: unknown) => new Promise<SessionState | undefined>((resolve) => {
    const sent = safely(() => socket.timeout(10_000).emit(event, payload, (error: Error | null, ack?: Ack) => {
      if (error || !ack || 'error' in ack) return resolve(undefined);
      setState(ack);
      resolve(ack);
    }));
    if (sent === undefined) resolve(undefined);
  });

  return {
    detailsProvided: (email) => send('details_provided', email ? { email } : {}),
    paymentMethodSelected: (method) => send('payment_method_selected', { method }),
    get state() {
      return state;
    },
    stop() {
      stopped = true;
      stopTimer();
      document.removeEventListener('visibilitychange', onVisibility);
      removeEventListener('pagehide', onPageHide);
      removeEventListener('pageshow', onPageShow);
      safely(() => socket.disconnect());
    },
  };
}
