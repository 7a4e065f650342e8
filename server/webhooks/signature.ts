import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Checkout-Pulse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by
 * the endpoint's secret. The timestamp is signed too, so a captured delivery cannot be replayed
 * later than the receiver's tolerance.
 */
export const SIGNATURE_HEADER = 'Checkout-Pulse-Signature';
export const EVENT_ID_HEADER = 'Checkout-Pulse-Event-Id';

export function signatureOf(secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
}

export function signatureHeader(secret: string, timestampSeconds: number, rawBody: string): string {
  return `t=${timestampSeconds},v1=${signatureOf(secret, timestampSeconds, rawBody)}`;
}

export interface VerifyOptions {
  /** How far the signed time may be from now (default 300 s). */
  toleranceSeconds?: number;
  /** Now, in unix seconds (default the system clock). */
  nowSeconds?: number;
}

/**
 * For receivers: true when `header` signs exactly `rawBody` (the bytes received, before any JSON
 * parsing) with `secret`, within the tolerance. Any `v1` of the header may match (several are
 * sent while a secret is being rolled).
 */
export function verifySignature(rawBody: string | Buffer, header: string | null | undefined, secret: string, options: VerifyOptions = {}): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, rawBody), 'hex');
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}
