import cookieParser from 'cookie-parser';
import type { Namespace, Server, Socket } from 'socket.io';
import { BOARD_NAMESPACE, boardHello, type BoardClientToServer, type BoardServerToClient } from '../../../shared/board-socket.js';
import type { ChangeEvent } from '../../../shared/change-event.js';
import { issuesToParams } from '../../../shared/errors.js';
import type { AppContext } from '../../app-context.js';
import { BOARD_COOKIE, type BoardIdentity } from '../../auth/board-cookie.js';
import { maskPersonalData } from '../../privacy-mask.js';
import { canReplay } from '../../store/board-replay.js';
import { tenantPrefix, type Tenant } from '../../store/keys.js';
import { sha256 } from '../../store/secrets.js';
import { TokenBuckets } from '../token-bucket.js';
import { sharedSnapshots } from './board-snapshots.js';

interface BoardData {
  identity: BoardIdentity;
  /** The cookie the board signed in with: checked again on each hello and on revocation notices. */
  cookie: string;
  cookieDigest: string;
  /** A hello is being answered: the next waits for it (one at a time per socket). */
  starting?: boolean;
  unsubscribe?: () => void;
}
type BoardSocket = Socket<BoardClientToServer, BoardServerToClient, Record<string, never>, BoardData>;
type BoardNamespace = Namespace<BoardClientToServer, BoardServerToClient, Record<string, never>, BoardData>;

export interface BoardRealtime {
  close(): void;
}

/** Events a resume may replay; a board further behind gets a snapshot instead. */
export const MAX_REPLAY_EVENTS = 2_000;
/** Hellos one socket may send: a reconnect says one, a mode switch another. */
export const HELLO_BUDGET = { burst: 3, refillMs: 2_000 };
/** Snapshots one credential (token, key or sign-in) may be sent on this node, across its sockets. */
export const SNAPSHOT_BUDGET = { burst: 10, refillMs: 3_000 };
/** How often every open board's credential is checked again, in case a revocation notice was lost. */
export const BOARD_RECHECK_MS = 30_000;

/** A board's resync that failed (Redis away) is tried again this much later. */
const RESYNC_RETRY_MS = 1_000;

/**
 * `/board`: a board signs in with its cookie (from a board token or a secret-key login), says
 * `hello` with the last event id it applied, and gets either the events it missed or a fresh
 * snapshot, then every change in order. Events come from this node's change feed, which reads
 * each tenant's stream once, so a board on any node sees pages on every node.
 *
 * What one client can cost is bounded: hellos per socket and snapshots per credential have
 * budgets, a replay is at most MAX_REPLAY_EVENTS long, and concurrent snapshots of a tenant share
 * one read. A revoked credential or signed-out cookie ends its sockets on every node, and
 * read-only boards get customers' emails and IPs masked.
 */
export function attachBoardNamespace(io: Server, ctx: AppContext): BoardRealtime {
  const nsp = io.of(BOARD_NAMESPACE) as unknown as BoardNamespace;
  const parseCookies = cookieParser();
  const hellos = new TokenBuckets(ctx.clock, HELLO_BUDGET);
  const snapshots = new TokenBuckets(ctx.clock, SNAPSHOT_BUDGET);
  const snapshotOf = sharedSnapshots(ctx);
  const maskedBatches = new WeakMap<readonly ChangeEvent[], ChangeEvent[]>();

  nsp.use((socket, next) => {
    const req = socket.request as Parameters<typeof parseCookies>[0];
    parseCookies(req, {} as Parameters<typeof parseCookies>[1], () => {
      const cookie = (req as { cookies?: Record<string, unknown> }).cookies?.[BOARD_COOKIE];
      void ctx.boardCookies.verify(cookie).then((identity) => {
        if (!identity || typeof cookie !== 'string') return next(new Error('unauthorized'));
        socket.data = { identity, cookie, cookieDigest: sha256(cookie) };
        next();
      }, () => next(new Error('serviceUnavailable')));
    });
  });

  nsp.on('connection', (socket: BoardSocket) => {
    socket.on('hello', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = boardHello.safeParse(payload);
      if (!parsed.success) {
        ack({ error: { code: 'invalidParameters', message: 'invalid hello', params: issuesToParams(parsed.error.issues) } });
        return;
      }
      if (socket.data.starting || !hellos.take(socket.id)) {
        ack({ error: { code: 'tooManyRequests', message: `too many hellos: try again in ${hellos.waitMs(socket.id) || 1_000} ms` } });
        return;
      }
      socket.data.starting = true;
      void hello(socket, parsed.data.mode, parsed.data.lastEventId).then(ack, (error: unknown) => {
        ctx.logger.warn({ err: error }, 'board start failed');
        ack({ error: { code: 'serviceUnavailable', message: 'try again' } });
      }).finally(() => {
        socket.data.starting = false;
      });
    });
    // Anything else gets an error ack at once: a client waiting on an ack never hangs on a typo.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (event !== 'hello' && typeof ack === 'function') ack({ error: { code: 'invalidParameters', message: `unknown event ${String(event).slice(0, 64)}` } });
    });
    socket.on('disconnect', () => {
      socket.data.unsubscribe?.();
      hellos.forget(socket.id);
    });
  });

  async function hello(socket: BoardSocket, asked: Tenant['mode'] | undefined, lastEventId: string | undefined): Promise<Parameters<Parameters<BoardClientToServer['hello']>[1]>[0]> {
    // The credential may have been revoked or signed out since the handshake.
    const identity = await ctx.boardCookies.verify(socket.data.cookie);
    if (!identity) {
      setImmediate(() => socket.disconnect(true));
      return { error: { code: 'unauthorized', message: 'this board was signed out or its access revoked' } };
    }
    const mode = asked ?? identity.mode;
    // A viewer sees the mode its link was made for; a live key's merchant may look at test data.
    if (mode !== identity.mode && !(identity.role === 'merchant' && identity.mode === 'live')) {
      return { error: { code: 'forbidden', message: 'this board cannot show that mode' } };
    }
    const tenant = { merchantId: identity.merchantId, mode };
    const prefix = tenantPrefix(tenant);
    const resumed = lastEventId !== undefined && await canReplay(ctx.storeContext, prefix, lastEventId, MAX_REPLAY_EVENTS);
    if (!resumed && !snapshots.take(identity.digest)) {
      return { error: { code: 'tooManyRequests', message: `too many snapshots for this board: try again in ${snapshots.waitMs(identity.digest)} ms` } };
    }
    socket.data.unsubscribe?.();
    socket.data.unsubscribe = undefined;
    if (resumed) follow(socket, tenant, identity.role, lastEventId);
    else await startFromSnapshot(socket, tenant, identity.role);
    return { merchantId: identity.merchantId, mode, role: identity.role, resumed };
  }

  /**
   * A snapshot to the board (masked for a viewer), then its changes from the snapshot's last event.
   * Nothing when the socket went away meanwhile, or another hello started it following.
   */
  async function startFromSnapshot(socket: BoardSocket, tenant: Tenant, role: 'merchant' | 'viewer'): Promise<void> {
    const snapshot = await snapshotOf(tenant);
    if (!socket.connected || socket.data.unsubscribe) return;
    socket.emit('snapshot', role === 'viewer' ? snapshot.masked() : snapshot.message);
    follow(socket, tenant, role, snapshot.message.lastEventId);
  }

  /** The board's live changes from `from` on; should the feed lose continuity, a fresh snapshot first. */
  function follow(socket: BoardSocket, tenant: Tenant, role: 'merchant' | 'viewer', from: string | undefined): void {
    const masked = role === 'viewer';
    // The feed delivers the events of one turn together: already a batch, so it goes out as it is.
    socket.data.unsubscribe = ctx.changeFeed.subscribe(tenantPrefix(tenant), (events) => {
      socket.emit('changes', masked ? maskedBatch(events) : events as ChangeEvent[]);
    }, from, () => void resync(socket, tenant, role));
  }

  /** What the board shows may hold an event Redis lost: it starts again from a snapshot (Redis willing). */
  async function resync(socket: BoardSocket, tenant: Tenant, role: 'merchant' | 'viewer'): Promise<void> {
    socket.data.unsubscribe?.();
    socket.data.unsubscribe = undefined;
    try {
      await startFromSnapshot(socket, tenant, role);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'board resync failed; trying again');
      setTimeout(() => {
        if (socket.connected && !socket.data.unsubscribe) void resync(socket, tenant, role);
      }, RESYNC_RETRY_MS).unref();
    }
  }

  /** One masked copy of a batch for every read-only board that receives it. */
  function maskedBatch(events: readonly ChangeEvent[]): ChangeEvent[] {
    let masked = maskedBatches.get(events);
    if (!masked) maskedBatches.set(events, (masked = maskPersonalData(events as ChangeEvent[])));
    return masked;
  }

  function endRevoked(digest: string): void {
    for (const socket of nsp.sockets.values()) {
      if (socket.data.identity?.digest === digest || socket.data.cookieDigest === digest) {
        socket.data.unsubscribe?.();
        socket.disconnect(true);
      }
    }
  }

  /** Checks every open board's cookie again (one lookup per distinct cookie): the safety net under lost notices. */
  async function recheckAll(): Promise<void> {
    const byCookie = new Map<string, BoardSocket[]>();
    for (const socket of nsp.sockets.values()) {
      if (!socket.data.cookie) continue;
      const list = byCookie.get(socket.data.cookie) ?? [];
      list.push(socket);
      byCookie.set(socket.data.cookie, list);
    }
    for (const [cookie, sockets] of byCookie) {
      const identity = await ctx.boardCookies.verify(cookie).catch(() => 'unknown' as const);
      if (identity !== undefined) continue;
      for (const socket of sockets) {
        socket.data.unsubscribe?.();
        socket.disconnect(true);
      }
    }
  }
  const recheck = () => void recheckAll().catch((error: unknown) => ctx.logger.warn({ err: error }, 'board recheck failed'));
  const stopNotices = ctx.revocations.subscribe(endRevoked);
  const stopResync = ctx.revocations.onResync(recheck);
  const recheckTimer = setInterval(recheck, BOARD_RECHECK_MS);
  recheckTimer.unref();

  return {
    close() {
      stopNotices();
      stopResync();
      clearInterval(recheckTimer);
      for (const socket of nsp.sockets.values()) socket.data.unsubscribe?.();
    },
  };
}
