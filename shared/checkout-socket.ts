import { z } from 'zod';
import { sessionId } from './ids.js';
import { instant, paymentMethod, sessionStatus } from './session.js';
import type { ErrorCode } from './errors.js';

/** Namespace of checkout pages. */
export const CHECKOUT_NAMESPACE = '/checkout';

export const checkoutAuth = z.strictObject({
  sessionId,
  clientSecret: z.string().min(1).max(256),
});
export type CheckoutAuth = z.infer<typeof checkoutAuth>;

/** Inbound page messages: every one arrives as `unknown` and is parsed by its schema. */
export const heartbeatMessage = z.strictObject({ visible: z.boolean() });
export type HeartbeatMessage = z.infer<typeof heartbeatMessage>;

/**
 * `heartbeatMessage` for the one shape beacons send, `{visible: boolean}`, checked without
 * allocating: pages send thousands a second. It makes zod's own checks (an object, not an array;
 * `for…in` keys exactly `visible`), so whatever it accepts the schema accepts; anything it does not
 * goes to the schema, which keeps the accepted set and the error acks.
 */
export function isPlainHeartbeat(payload: unknown): payload is HeartbeatMessage {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return false;
  let keys = 0;
  for (const key in payload) {
    if (key !== 'visible') return false;
    keys++;
  }
  return keys === 1 && typeof (payload as { visible?: unknown }).visible === 'boolean';
}

export function isHeartbeat(payload: unknown): payload is HeartbeatMessage {
  return isPlainHeartbeat(payload) || heartbeatMessage.safeParse(payload).success;
}
export const detailsProvidedMessage = z.strictObject({ email: z.email().max(254).optional() });
export const paymentMethodSelectedMessage = z.strictObject({ method: paymentMethod });

export const checkoutInbound = {
  heartbeat: heartbeatMessage,
  details_provided: detailsProvidedMessage,
  payment_method_selected: paymentMethodSelectedMessage,
} as const;
export type CheckoutInboundEvent = keyof typeof checkoutInbound;

export const sessionState = z.object({
  status: sessionStatus,
  expiresAt: instant,
  serverTime: instant,
});
export type SessionState = z.infer<typeof sessionState>;

export interface AckError {
  error: { code: ErrorCode; message: string; params?: Array<Record<string, string>> };
}
export type CheckoutAck = SessionState | AckError;
export type AckCallback = (ack: CheckoutAck) => void;

/** Pages send `unknown` payloads; the server parses each one. */
export interface CheckoutClientToServer {
  heartbeat: (payload: unknown, ack?: AckCallback) => void;
  details_provided: (payload: unknown, ack?: AckCallback) => void;
  payment_method_selected: (payload: unknown, ack?: AckCallback) => void;
}

export interface CheckoutServerToClient {
  /** Sent on connect and whenever the session's status changes elsewhere. */
  session_status: (state: SessionState) => void;
}

export const presenceBeaconBody = z.strictObject({
  sessionId,
  clientSecret: z.string().min(1).max(256),
  state: z.enum(['hb', 'left']),
  /** The socket id of the page sending it, so `left` releases that tab only. */
  connectionId: z.string().min(1).max(64).optional(),
}).meta({ id: 'PresenceBeacon' });
export type PresenceBeaconBody = z.infer<typeof presenceBeaconBody>;
