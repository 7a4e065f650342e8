import type { IncomingMessage } from 'node:http';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AppContext } from '../app-context.js';
import { limiter } from '../http/rate-limit.js';
import { clientAddress } from './checkout/visitor-details.js';

type AllowRequest = (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void;

/**
 * Socket.IO's `allowRequest`: new connections (both namespaces share them) a minute per client
 * IP, counted in Redis like the API's limits. A refused handshake is answered 403 before any
 * namespace code runs, so reconnect storms from one address cost the node almost nothing.
 */
export function handshakeLimit(ctx: AppContext): AllowRequest | undefined {
  const points = ctx.config.env.RATE_LIMIT_HANDSHAKES_PER_IP;
  if (points <= 0) return undefined;
  const byIp = limiter(ctx, 'handshake-ip', points);
  return (req, callback) => {
    const ip = clientAddress(req.headers, req.socket.remoteAddress, ctx.config.env.TRUST_PROXY) ?? 'unknown';
    byIp.consume(ip).then(
      () => callback(null, true),
      (rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) return callback('tooManyRequests', false);
        // Not counted (Redis away and no fallback): pages must stay able to connect.
        ctx.logger.warn({ err: rejection }, 'handshake limit not counted');
        callback(null, true);
      },
    );
  };
}
