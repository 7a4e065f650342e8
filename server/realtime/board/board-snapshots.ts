import { BOARD_SNAPSHOT_LIMIT, type BoardSnapshotMessage } from '../../../shared/board-socket.js';
import type { AppContext } from '../../app-context.js';
import { maskPersonalData } from '../../privacy-mask.js';
import { readBoardSnapshot } from '../../store/board-snapshot.js';
import { tenantPrefix, type Tenant } from '../../store/keys.js';
import { readOnlineHistory } from '../../store/online-history.js';

export interface SharedSnapshot {
  message: BoardSnapshotMessage;
  /** The same with customers' emails and IPs masked, made once for all read-only boards. */
  masked(): BoardSnapshotMessage;
}

/**
 * Board snapshots with one read per tenant at a time: boards of a merchant that ask together (a
 * node restart, a wall of screens on one token) share the read in flight instead of each reading
 * up to 10,000 sessions. A board joining a read started a moment earlier gets a snapshot that much
 * older, and the events after its id follow as usual.
 */
export function sharedSnapshots(ctx: AppContext): (tenant: Tenant) => Promise<SharedSnapshot> {
  const inFlight = new Map<string, Promise<SharedSnapshot>>();
  return (tenant) => {
    const prefix = tenantPrefix(tenant);
    let read = inFlight.get(prefix);
    if (!read) {
      read = (async () => {
        const now = ctx.clock.now();
        const [snapshot, onlineHistory] = await Promise.all([
          readBoardSnapshot(ctx.storeContext, tenant, BOARD_SNAPSHOT_LIMIT),
          readOnlineHistory(ctx.storeContext, prefix, now),
        ]);
        const message: BoardSnapshotMessage = {
          mode: tenant.mode, lastEventId: snapshot.lastEventId, sessions: snapshot.sessions, total: snapshot.total,
          onlineHistory, serverTime: new Date(now).toISOString(),
        };
        let masked: BoardSnapshotMessage | undefined;
        return { message, masked: () => (masked ??= { ...message, sessions: maskPersonalData(message.sessions) }) };
      })().finally(() => inFlight.delete(prefix));
      inFlight.set(prefix, read);
    }
    return read;
  };
}
