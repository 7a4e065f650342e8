import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { Server } from 'socket.io';
import type { AppContext } from './app-context.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { opsRouter } from './http/ops.js';
import { presenceBeaconRouter } from './http/presence-beacon.js';
import { requestId } from './http/request-id.js';
import { accessLog } from './http/access-log.js';
import { requireApiKey } from './http/auth.js';
import { sessionsRouter } from './http/sessions/router.js';
import { eventsRouter } from './http/events.js';
import { methodNotAllowed } from './http/method-not-allowed.js';
import { webhookEndpointsRouter } from './http/webhooks/router.js';
import { systemLookup, type HostLookup } from './webhooks/address-policy.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { WEBHOOK_MAX_IN_FLIGHT, WEBHOOK_PER_ENDPOINT } from './webhooks/retry-schedule.js';
import { sendWebhook } from './webhooks/send-webhook.js';
import { webhookSweepTask } from './webhooks/webhook-sweep-task.js';
import { apiDocsRouter } from './http/api-docs.js';
import { boardHttpRouter } from './http/board-http.js';
import { clientAssetsRouter } from './http/client-assets.js';
import { demoBackendRouter } from './http/demo-backend.js';
import { apiRateLimit, credentialRateLimit } from './http/rate-limit.js';
import { handshakeLimit } from './realtime/handshake-limit.js';
import { outboxRouter } from './http/outbox.js';
import { sessionStatsRouter } from './http/session-stats.js';
import { recoveryLinkRouter } from './http/recovery-link.js';
import { attachBoardNamespace } from './realtime/board/board-namespace.js';
import { lifecycleSweepTasks } from './lifecycle/lifecycle-tasks.js';
import { pageFunnel } from './lifecycle/page-funnel.js';
import { onlineSampler } from './lifecycle/online-sampler.js';
import { presenceSweepTask } from './lifecycle/presence-sweep.js';
import { Sweeper } from './lifecycle/sweeper.js';
import { attachCheckoutNamespace, type CheckoutRealtime } from './realtime/checkout/checkout-namespace.js';
import { rememberUpgradeResponses } from './realtime/release-handshake.js';

/** How long a drain lets HTTP requests under way finish before it closes their connections. */
const DRAIN_REQUESTS_MS = 2_000;

/** Largest Socket.IO/Engine.IO frame accepted from any client. */
const MAX_SOCKET_FRAME_BYTES = 16 * 1024;

export interface App {
  express: Express;
  http: HttpServer;
  io: Server;
  checkout: CheckoutRealtime;
  sweeper: Sweeper;
  /** Sends the webhook deliveries this node's sweeps claim. */
  webhooks: WebhookDispatcher;
  /** Listens (port 0 for any) and starts the background loops; resolves to the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Planned shutdown: stop accepting, flush, hand pages over to other nodes without marking them offline. */
  drain(): Promise<void>;
  /** Immediate stop (tests). */
  close(): Promise<void>;
}

export interface AppOptions {
  /** Start the sweeper and lease loops on listen (tests may drive them by hand). */
  background?: boolean;
  /** Resolves webhook hosts (tests give names of their own); the system resolver otherwise. */
  webhookLookup?: HostLookup;
}

/** Builds one node: Express routes and Socket.IO namespaces over the injected context. */
export function buildApp(ctx: AppContext, options: AppOptions = {}): App {
  let draining = false;
  const webhookLookup = options.webhookLookup ?? systemLookup;
  const webhooks = new WebhookDispatcher({
    deliveries: ctx.webhookDeliveries, clock: ctx.clock, logger: ctx.logger, send: sendWebhook, lookup: webhookLookup,
    allowPrivate: ctx.config.env.WEBHOOK_ALLOW_PRIVATE, timeoutMs: ctx.config.env.WEBHOOK_TIMEOUT_MS,
    perEndpoint: WEBHOOK_PER_ENDPOINT, maxInFlight: WEBHOOK_MAX_IN_FLIGHT,
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.env.TRUST_PROXY);
  app.use(requestId);
  app.use(accessLog(ctx));
  app.use(cookieParser());
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  app.use(credentialRateLimit(ctx));
  app.use(opsRouter(ctx, () => draining));
  app.use(apiDocsRouter(ctx));
  app.use(boardHttpRouter(ctx));
  app.use(demoBackendRouter(ctx));
  app.use('/v1', apiRateLimit(ctx));
  app.use('/v1/presence', presenceBeaconRouter(ctx));
  app.use('/v1/checkouts/sessions', requireApiKey(ctx), sessionsRouter(ctx));
  app.use('/v1/checkouts/stats', requireApiKey(ctx), sessionStatsRouter(ctx));
  app.use('/v1/outbox', requireApiKey(ctx), outboxRouter(ctx));
  app.use('/v1/events', requireApiKey(ctx), eventsRouter(ctx));
  app.use('/v1/webhook_endpoints', requireApiKey(ctx), webhookEndpointsRouter(ctx, webhookLookup));
  app.use(recoveryLinkRouter(ctx));
  app.use(clientAssetsRouter(ctx));
  app.use(methodNotAllowed());
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger));

  const http = createServer(app);
  const allowRequest = handshakeLimit(ctx);
  // Outlive the idle timeouts of clients and load balancers, so a reused connection is never
  // closed under a request that is already on its way.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const io = new Server(http, {
    transports: ['websocket', 'polling'],
    maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES,
    perMessageDeflate: false,
    httpCompression: false,
    pingInterval: ctx.config.presence.pingIntervalMs,
    pingTimeout: ctx.config.presence.pingTimeoutMs,
    serveClient: false,
    cors: { origin: true, credentials: false },
    // The handshake names the polling session in a cookie, so a balancer can learn which node holds
    // it and route its later requests by their `sid` (deploy/haproxy.cfg). Pages need not send it back.
    cookie: { name: 'io', path: '/', httpOnly: true, sameSite: 'lax' },
    ...(allowRequest ? { allowRequest } : {}),
  });
  rememberUpgradeResponses(io);
  const checkout = attachCheckoutNamespace(io, ctx, pageFunnel(ctx));
  const board = attachBoardNamespace(io, ctx);
  const presenceSweep = presenceSweepTask(ctx);
  const sweeper = new Sweeper(ctx, [presenceSweep, ...lifecycleSweepTasks(ctx), webhookSweepTask(ctx.webhookDeliveries, webhooks)], {
    intervalMs: ctx.config.presence.sweepIntervalMs,
    claimMs: ctx.config.presence.sweepClaimMs,
    leasesNotBefore: () => presenceSweep.leasesNotBefore(),
    outageHoldMs: ctx.config.presence.leaseRenewMs * 2,
    afterPass: onlineSampler(ctx),
  });
  let stopRenewingOnReady: (() => void) | undefined;

  async function stopBackground(): Promise<void> {
    sweeper.stop();
    await webhooks.close();
    checkout.close();
    board.close();
    await ctx.changeFeed.close();
    ctx.revocations.close();
    stopRenewingOnReady?.();
  }

  return {
    express: app,
    http,
    io,
    checkout,
    sweeper,
    webhooks,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          if (options.background ?? true) {
            checkout.batcher.start();
            sweeper.start();
            // Redis back after an outage: every page this node holds is renewed at once.
            stopRenewingOnReady = ctx.connection.onReady(() => checkout.batcher.renewAll());
            void ctx.schedule.scheduleKnownTenants().catch((error: unknown) => {
              ctx.logger.warn({ err: error }, 'entering existing tenants in the schedule failed; the next start retries');
            });
          }
          resolve((http.address() as AddressInfo).port);
        });
      });
    },
    async drain() {
      draining = true;
      checkout.drain();
      await stopBackground();
      await checkout.batcher.flushAll().catch(() => undefined);
      // Closing the engine drops every transport: pages see a transport close and reconnect
      // to another node, and no offline is written for them. Idle keep-alive connections close
      // with the server; requests under way get a moment to finish, then their connections go too
      // (a balancer's or a client's connection must not hold the drain past the stop deadline).
      const closed = new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      const grace = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_REQUESTS_MS).unref());
      await Promise.race([closed, grace]);
      http.closeAllConnections();
      await closed;
    },
    async close() {
      await stopBackground();
      const closed = new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      // A hard stop: connections still open (keep-alive clients, pages reconnecting) do not hold it.
      http.closeAllConnections();
      await closed;
    },
  };
}
