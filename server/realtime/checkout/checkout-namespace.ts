import type { Namespace, Server, Socket } from 'socket.io';
import {
  CHECKOUT_NAMESPACE, checkoutAuth, checkoutInbound, isHeartbeat, type AckCallback, type CheckoutAck,
  type CheckoutClientToServer, type CheckoutInboundEvent, type CheckoutServerToClient, type SessionState,
} from '../../../shared/checkout-socket.js';
import { issuesToParams, type ErrorCode } from '../../../shared/errors.js';
import type { SessionStatus } from '../../../shared/session.js';
import type { AppContext } from '../../app-context.js';
import { tenantPrefix, type Tenant } from '../../store/keys.js';
import type { Notice } from '../../store/presence-store.js';
import { ScriptRefusal, Refusal } from '../../store/scripts.js';
import { visitorDetails } from './visitor-details.js';
import { releaseHandshake } from '../release-handshake.js';
import { PageLimits } from './page-limits.js';
import { CloseBatcher } from './close-batcher.js';
import { PresenceBatcher, type LiveConnection } from './presence-batcher.js';
import type { PageFunnel } from '../../lifecycle/page-funnel.js';

/** Every field is set when the socket is admitted, so all pages' data share one shape on the heartbeat path. */
interface PageData {
  tenant: Tenant;
  connection: LiveConnection;
  status: SessionStatus | undefined;
  expiresAt: string | undefined;
  tracked: boolean;
  /** The page sent a `left` beacon: not renewed until it heartbeats again (back from the bfcache). */
  released: boolean;
  ready: Promise<void> | undefined;
}

type PageSocket = Socket<CheckoutClientToServer, CheckoutServerToClient, Record<string, never>, PageData>;
type PageNamespace = Namespace<CheckoutClientToServer, CheckoutServerToClient, Record<string, never>, PageData>;

const KNOWN_EVENTS = new Set<string>(Object.keys(checkoutInbound));

export interface CheckoutRealtime {
  batcher: PresenceBatcher;
  closes: CloseBatcher;
  /** Stops writing offline for sockets that close from now on (a planned restart). */
  drain(): void;
  close(): void;
}

function ackError(ack: unknown, code: ErrorCode, message: string, params?: Array<Record<string, string>>): void {
  if (typeof ack === 'function') (ack as AckCallback)({ error: { code, message, ...(params ? { params } : {}) } });
}

/**
 * `/checkout`: pages authenticate with `{sessionId, clientSecret}`, heartbeat, and report funnel
 * steps. Renewals and closes are written in batches (presence-batcher.ts, close-batcher.ts); each open is one script call.
 */
export function attachCheckoutNamespace(io: Server, ctx: AppContext, funnel: PageFunnel): CheckoutRealtime {
  const nsp = io.of(CHECKOUT_NAMESPACE) as unknown as PageNamespace;
  const bySession = new Map<string, Set<PageSocket>>();
  const tenantFeeds = new Map<string, { pages: number; unsubscribe: () => void }>();
  const limits = new PageLimits(ctx.clock);
  let draining = false;

  /** While this node holds pages of a tenant, it follows that tenant's changes to tell them. */
  function followTenant(prefix: LiveConnection['prefix']): void {
    const feed = tenantFeeds.get(prefix);
    if (feed) {
      feed.pages++;
      return;
    }
    const unsubscribe = ctx.changeFeed.subscribe(prefix, (events) => {
      for (const event of events) {
        const { status, expiresAt } = event.changes;
        if (status === undefined && expiresAt === undefined) continue;
        for (const socket of bySession.get(event.sessionId) ?? []) {
          if (status) socket.data.status = status;
          if (expiresAt) socket.data.expiresAt = expiresAt;
          socket.emit('session_status', state(socket.data));
        }
      }
    });
    tenantFeeds.set(prefix, { pages: 1, unsubscribe });
  }

  function unfollowTenant(prefix: LiveConnection['prefix']): void {
    const feed = tenantFeeds.get(prefix);
    if (!feed || --feed.pages > 0) return;
    feed.unsubscribe();
    tenantFeeds.delete(prefix);
  }

  const batcher = new PresenceBatcher(ctx.presence, ctx.config.presence, (notice) => onNotice(notice), ctx.logger, ctx.metrics, ctx.clock);
  const closes = new CloseBatcher(ctx.presence, ctx.logger);

  // Formatting a Date costs about a microsecond; acks within one millisecond share the text.
  let nowMs = Number.NaN;
  let nowIso = '';
  function serverTime(): string {
    const ms = ctx.clock.now();
    if (ms !== nowMs) {
      nowMs = ms;
      nowIso = new Date(ms).toISOString();
    }
    return nowIso;
  }

  function state(data: PageData): SessionState {
    const now = serverTime();
    return { status: data.status ?? 'active', expiresAt: data.expiresAt ?? now, serverTime: now };
  }

  function onNotice(notice: Notice): void {
    const socket = nsp.sockets.get(notice.connectionId);
    if (!socket) return;
    batcher.untrack(socket.data.connection);
    socket.data.tracked = false;
    if (notice.status === 'gone') {
      socket.disconnect(true);
    } else if (notice.status === 'released' || notice.status === 'stale') {
      // Renewed again only once the page itself heartbeats.
      socket.data.released = true;
    } else {
      socket.data.status = notice.status;
      socket.emit('session_status', state(socket.data));
    }
  }

  nsp.use((socket, next) => {
    const auth = checkoutAuth.safeParse(socket.handshake.auth);
    if (!auth.success) return next(Object.assign(new Error('invalidParameters'), { data: { params: issuesToParams(auth.error.issues) } }));
    const tenant = ctx.clientSecrets.verify(auth.data.sessionId, auth.data.clientSecret);
    if (!tenant) return next(new Error('unauthorized'));
    if (!limits.admitSocket(auth.data.sessionId)) return next(new Error('tooManyRequests'));
    socket.data = {
      tenant,
      connection: { prefix: tenantPrefix(tenant), sessionId: auth.data.sessionId, connectionId: socket.id },
      status: undefined,
      expiresAt: undefined,
      tracked: false,
      released: false,
      ready: undefined,
    };
    next();
  });

  nsp.on('connection', (socket: PageSocket) => {
    const data = socket.data;
    // Handlers first: messages that arrive while the open is being written must not be lost.
    socket.on('heartbeat', (payload, ack) => {
      if (!isHeartbeat(payload)) return ackError(ack, 'invalidParameters', 'heartbeat takes {visible: boolean}');
      ctx.metrics.countHeartbeat();
      if (data.released && socket.connected) {
        data.released = false;
        data.tracked = true;
        batcher.track(data.connection);
      }
      if (data.tracked) batcher.heartbeat(data.connection);
      if (typeof ack !== 'function') return;
      if (data.status) ack(state(data));
      else void data.ready?.then(() => ack(state(data)), () => ackError(ack, 'serviceUnavailable', 'try again'));
    });
    socket.on('details_provided', (payload, ack) => void handleFunnel(socket, 'details_provided', payload, ack));
    socket.on('payment_method_selected', (payload, ack) => void handleFunnel(socket, 'payment_method_selected', payload, ack));
    socket.onAny((event: string, ...args: unknown[]) => {
      if (!KNOWN_EVENTS.has(event)) ackError(args.at(-1), 'invalidParameters', `unknown event ${String(event).slice(0, 64)}`);
    });
    socket.on('disconnect', (reason) => onDisconnect(socket, reason));
    // A transport pong proves the page lived when the ping went out, even when its timers are
    // throttled (no heartbeats).
    let pingSentAt = ctx.clock.now();
    socket.conn.on('packetCreate', (packet: { type: string }) => {
      if (packet.type === 'ping') pingSentAt = ctx.clock.now();
    });
    socket.conn.on('heartbeat', () => batcher.alive(data.connection, pingSentAt));

    let members = bySession.get(data.connection.sessionId);
    if (!members) bySession.set(data.connection.sessionId, (members = new Set()));
    members.add(socket);
    followTenant(data.connection.prefix);
    ctx.metrics.pageConnections.inc();

    // Online only once the transport has carried something back from the page: a WebSocket at once;
    // a long-polling page at its first message or pong. Without sticky routing at the balancer a
    // polling page's requests scatter across nodes: it never really connects, and must not read online.
    if (socket.conn.transport.name === 'websocket') openPresence(socket);
    else socket.conn.once('packet', () => openPresence(socket));
  });

  function openPresence(socket: PageSocket): void {
    const data = socket.data;
    if (!socket.connected) return;
    const visitor = visitorDetails(socket.handshake.headers, socket.handshake.address, ctx.config.env.TRUST_PROXY);
    releaseHandshake(socket);
    data.ready = ctx.presence.connect(data.connection.prefix, data.connection.sessionId, data.connection.connectionId, visitor)
      .then((result) => {
        data.status = result.status;
        data.expiresAt = new Date(result.expiresAtMs).toISOString();
        data.tracked = result.tracked && socket.connected;
        if (data.tracked) batcher.track(data.connection);
        socket.emit('session_status', state(data));
      }, (error: unknown) => {
        if (error instanceof ScriptRefusal && error.code === Refusal.NotFound) {
          socket.disconnect(true);
          return;
        }
        // Redis is away: track anyway; the next renewal writes this connection once it is back.
        ctx.logger.warn({ err: error }, 'page open not written; renewal will retry');
        data.tracked = socket.connected;
        if (data.tracked) batcher.track(data.connection);
        throw error;
      });
    data.ready.catch(() => undefined);
  }

  async function handleFunnel(socket: PageSocket, event: Exclude<CheckoutInboundEvent, 'heartbeat'>, payload: unknown, ack: unknown) {
    const parsed = checkoutInbound[event].safeParse(payload);
    if (!parsed.success) return ackError(ack, 'invalidParameters', `invalid ${event}`, issuesToParams(parsed.error.issues));
    if (!limits.admitEvent(socket.data.connection.sessionId, socket.id)) return ackError(ack, 'tooManyRequests', 'too many page events: slow down');
    try {
      await socket.data.ready;
      const result = await funnel(socket.data.tenant, socket.data.connection.sessionId,
        event === 'details_provided' ? { type: event, ...parsed.data } : { type: event, ...parsed.data } as never);
      socket.data.status = result.status;
      if (typeof ack === 'function') (ack as (a: CheckoutAck) => void)(state(socket.data));
    } catch (error) {
      if (error instanceof ScriptRefusal) {
        return ackError(ack, error.code === Refusal.NotFound ? 'notFound' : 'unprocessableEntity', error.detail ?? 'not allowed now');
      }
      ctx.logger.warn({ err: error, event }, 'page event failed');
      ackError(ack, 'serverError', 'Server error.');
    }
  }

  function onDisconnect(socket: PageSocket, reason: string): void {
    const data = socket.data;
    limits.releaseSocket(data.connection.sessionId, socket.id);
    bySession.get(data.connection.sessionId)?.delete(socket);
    if (bySession.get(data.connection.sessionId)?.size === 0) bySession.delete(data.connection.sessionId);
    unfollowTenant(data.connection.prefix);
    ctx.metrics.pageConnections.dec();
    const wasTracked = data.tracked;
    data.tracked = false;
    batcher.untrack(data.connection);
    // A planned restart: the page reconnects elsewhere; its lease lapses quietly if it never does.
    if (draining || !wasTracked) return;
    const { prefix, sessionId, connectionId } = data.connection;
    closes.close({ prefix, sessionId, connectionId, clean: reason !== 'ping timeout' });
  }

  return {
    batcher,
    closes,
    drain() {
      draining = true;
    },
    close() {
      batcher.stop();
      for (const feed of tenantFeeds.values()) feed.unsubscribe();
      tenantFeeds.clear();
    },
  };
}
