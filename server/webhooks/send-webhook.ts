import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import type { ResolvedAddress } from './address-policy.js';

export interface WebhookRequest {
  url: URL;
  /** The address checked for this URL: the connection goes there and nowhere else. */
  target: ResolvedAddress;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

export type SendResult = { statusCode: number } | { error: string };

/** Most of a receiver's answer read: the status decides, the body is only drained. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one delivery with undici, pinned to the checked address (TLS still verifies the URL's host
 * name), within one timeout for connecting, the answer's headers and its body. Never throws.
 */
export async function sendWebhook(req: WebhookRequest): Promise<SendResult> {
  const pinned: ResolvedAddress = req.target;
  const agent = new Agent({
    connections: 1,
    headersTimeout: req.timeoutMs,
    bodyTimeout: req.timeoutMs,
    connect: {
      timeout: req.timeoutMs,
      lookup: ((_hostname: string, options: LookupOptions, callback: (error: null, address: string | LookupAddress[], family?: number) => void) => {
        if (options.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      }) as LookupFunction,
    },
  });
  try {
    const res = await request(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      signal: AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]),
    });
    await res.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
    return { statusCode: res.statusCode };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'HeadersTimeoutError' || name === 'BodyTimeoutError' || name === 'ConnectTimeoutError') {
      return { error: `no answer within ${req.timeoutMs} ms` };
    }
    const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : '';
    return { error: code || (error instanceof Error ? error.message : 'request failed') };
  } finally {
    agent.destroy().catch(() => undefined);
  }
}
