import express, { Router } from 'express';
import { z } from 'zod';
import { sessionId } from '../../shared/ids.js';
import { paymentMethod } from '../../shared/session.js';
import type { AppContext } from '../app-context.js';
import { ApiError, parseOr400 } from './api-error.js';
import { publicUrl } from './public-url.js';

const payBody = z.strictObject({
  sessionId,
  clientSecret: z.string().min(1).max(256),
  method: paymentMethod,
  /** The demo's test cards: a card number ending in 0002 is declined, as payment providers' test cards are. */
  cardNumber: z.string().max(32).optional(),
});

/**
 * The demo checkout page's backend, on only when `DEMO_MERCHANT_KEY` is set (by `npm run demo`).
 * It stands where a merchant's backend would: it creates sessions and reports payment outcomes
 * through the public REST API over HTTP, with the merchant's key, so the demo travels the real path.
 */
export function demoBackendRouter(ctx: AppContext): Router {
  const router = Router();
  const key = process.env.DEMO_MERCHANT_KEY;
  if (!key) return router;

  const api = async (base: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { selectkey: key, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const self = (req: express.Request) => `http://127.0.0.1:${(req.socket.localPort ?? ctx.config.env.PORT)}`;

  router.post('/demo/api/session', async (req, res) => {
    const created = await api(self(req), 'POST', '/v1/checkouts/sessions', {
      totalAmount: 19_900, currency: 'BRL', source: 'checkout_link', domainHost: new URL(publicUrl(ctx, req)).host,
      language: req.acceptsLanguages('pt-BR', 'pt', 'en') === 'en' ? 'en' : 'pt-BR', product: { id: 'prod_pro', name: 'Pro license', quantity: 1 },
    });
    if (created.status !== 201) throw new ApiError('serviceUnavailable');
    res.status(201).json({ sessionId: created.body.id, clientSecret: created.body.clientSecret });
  });

  router.post('/demo/api/pay', express.json({ limit: '2kb' }), async (req, res) => {
    const body = parseOr400(payBody, req.body);
    if (!ctx.clientSecrets.verify(body.sessionId, body.clientSecret)) throw new ApiError('unauthorized');
    const base = self(req);
    const events = `/v1/checkouts/sessions/${body.sessionId}/events`;
    await api(base, 'POST', events, { type: 'payment_attempted', method: body.method });
    const declined = body.method !== 'pix' && body.cardNumber?.replace(/\D/g, '').endsWith('0002');
    const outcome = declined
      ? await api(base, 'POST', events, { type: 'payment_failed', code: 'card_declined', message: 'Your card was declined.', method: body.method })
      : await api(base, 'POST', events, { type: 'payment_succeeded', transactionId: `tra_${body.sessionId.slice(5, 17)}`, method: body.method });
    res.status(outcome.status).json(outcome.body);
  });
  return router;
}
