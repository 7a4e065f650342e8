import cookieParser from 'cookie-parser';
import type { Namespace, Server, Socket } from 'socket.io';
import { BOARD_NAMESPACE, BOARD_SNAPSHOT_LIMIT, boardHello, type BoardClientToServer, type BoardServerToClient } from '../../../shared/board-socket.js';
import type { ChangeEvent } from '../../../shared/change-event.js';
import { issuesToParams } from '../../../shared/errors.js';
import { compareStreamIds } from '../../../shared/stream-id.js';
import type { AppContext } from '../../app-context.js';
import { readBoardSnapshot } from '../../store/board-snapshot.js';
import { oldestEventId } from '../../store/change-stream.js';
import { tenantPrefix, type Tenant } from '../../store/keys.js';
import { readOnlineHistory } from '../../store/online-history.js';
import { BOARD_COOKIE, verifyBoardCookie, type BoardIdentity } from './board-session.js';

interface BoardData {
  identity: BoardIdentity;
  unsubscribe?: () => void;
}
type BoardSocket = Socket<BoardClientToServer, BoardServerToClient, Record<string, never>, BoardData>;
type BoardNamespace = Namespace<BoardClientToServer, BoardServerToClient, Record<string, never>, BoardData>;

export interface BoardRealtime {
  close(): void;
}

/**
 * `/board`: a board signs in with its cookie (from a board token or a secret-key login), says
 * `hello` with the last event id it applied, and gets either the events it missed or a fresh
 * snapshot, then every change in order. Events come from this node's change feed, which reads
 * each tenant's stream once, so a board on any node sees pages on every node.
 */
export function attachBoardNamespace(io: Server, ctx: AppContext): BoardRealtime {
  const nsp = io.of(BOARD_NAMESPACE) as unknown as BoardNamespace;
  const parseCookies = cookieParser();

  nsp.use((socket, next) => {
    const req = socket.request as Parameters<typeof parseCookies>[0];
    parseCookies(req, {} as Parameters<typeof parseCookies>[1], () => {
      void verifyBoardCookie(ctx, (req as { cookies?: Record<string, unknown> }).cookies?.[BOARD_COOKIE]).then((identity) => {
        if (!identity) return next(new Error('unauthorized'));
        socket.data = { identity };
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
      const identity = socket.data.identity;
      const mode = parsed.data.mode ?? identity.mode;
      // A viewer sees the mode its link was made for; a live key's merchant may look at test data.
      if (mode !== identity.mode && !(identity.role === 'merchant' && identity.mode === 'live')) {
        ack({ error: { code: 'forbidden', message: 'this board cannot show that mode' } });
        return;
      }
      void start(socket, { merchantId: identity.merchantId, mode }, parsed.data.lastEventId).then(
        (resumed) => ack({ merchantId: identity.merchantId, mode, role: identity.role, resumed }),
        (error: unknown) => {
          ctx.logger.warn({ err: error }, 'board start failed');
          ack({ error: { code: 'serviceUnavailable', message: 'try again' } });
        },
      );
    });
    socket.on('disconnect', () => socket.data.unsubscribe?.());
  });

  async function start(socket: BoardSocket, tenant: Tenant, lastEventId: string | undefined): Promise<boolean> {
    socket.data.unsubscribe?.();
    const prefix = tenantPrefix(tenant);
    let from = lastEventId;
    let resumed = false;
    if (from !== undefined) {
      // Resumable while the board's last event is still retained: nothing after it was trimmed.
      const firstId = await oldestEventId(ctx.redis, prefix);
      resumed = firstId === undefined || compareStreamIds(from, firstId) >= 0;
    }
    if (!resumed) {
      const now = ctx.clock.now();
      const [snapshot, onlineHistory] = await Promise.all([
        readBoardSnapshot(ctx.storeContext, tenant, BOARD_SNAPSHOT_LIMIT),
        readOnlineHistory(ctx.storeContext, prefix, now),
      ]);
      socket.emit('snapshot', {
        mode: tenant.mode, lastEventId: snapshot.lastEventId, sessions: snapshot.sessions, total: snapshot.total,
        onlineHistory, serverTime: new Date(now).toISOString(),
      });
      from = snapshot.lastEventId;
    }
    // The feed delivers the events of one turn together: already a batch, so it goes out as it is.
    socket.data.unsubscribe = ctx.changeFeed.subscribe(prefix, (events) => socket.emit('changes', events as ChangeEvent[]), from);
    return resumed;
  }

  return {
    close() {
      for (const socket of nsp.sockets.values()) socket.data.unsubscribe?.();
    },
  };
}
