import { z } from 'zod';
import type { ChangeEvent } from './change-event.js';
import { mode } from './ids.js';
import type { CheckoutSession } from './session.js';
import type { OnlinePoint } from './session-stats.js';
import type { AckError } from './checkout-socket.js';

export const BOARD_NAMESPACE = '/board';
/** Sessions a board holds at most (newest first). */
export const BOARD_SNAPSHOT_LIMIT = 10_000;

/** `hello`: which data a board wants, and the last event id it applied (to resume). */
export const boardHello = z.strictObject({
  mode: mode.optional(),
  lastEventId: z.string().regex(/^\d{1,15}-\d{1,10}$/).optional(),
});
export type BoardHello = z.infer<typeof boardHello>;

export interface BoardSnapshotMessage {
  mode: 'live' | 'test';
  lastEventId: string;
  /** The newest sessions, at most BOARD_SNAPSHOT_LIMIT. */
  sessions: CheckoutSession[];
  /** Sessions the tenant has in all; above `sessions.length`, counts come from `GET /v1/checkouts/stats`. */
  total: number;
  /** Online sessions per minute over the last half hour, oldest first. */
  onlineHistory: OnlinePoint[];
  serverTime: string;
}

export interface BoardWelcome {
  merchantId: string;
  mode: 'live' | 'test';
  role: 'viewer' | 'merchant';
  /** True when the board's last id was still retained: missed events follow instead of a snapshot. */
  resumed: boolean;
}

export interface BoardClientToServer {
  hello: (payload: unknown, ack: (reply: BoardWelcome | AckError) => void) => void;
}

export interface BoardServerToClient {
  snapshot: (snapshot: BoardSnapshotMessage) => void;
  /** Ordered events, in batches; ids strictly increase across batches. */
  changes: (events: ChangeEvent[]) => void;
}
