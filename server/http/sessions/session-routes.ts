import { Router, type RequestHandler } from 'express';
import { emptyBody, renewBody, sessionEventBody } from '../../../shared/session-events.js';
import type { AppContext } from '../../app-context.js';
import { maskEmail } from '../../log.js';
import { signRecoveryToken } from '../../mail/recovery-links.js';
import { receiptMail, recoveryMail } from '../../mail/templates.js';
import type { Tenant } from '../../store/keys.js';
import { ApiError, parseOr400 } from '../api-error.js';
import { idempotent } from '../idempotency.js';
import { publicUrl } from '../public-url.js';
import { lookup } from './get.js';

/** Per-session events and actions: `POST /:id/events`, `/recovery`, `/receipt`, `/renew`, `DELETE /:id`. */
export function sessionRoutes(ctx: AppContext): Router {
  const router = Router();
  const once = idempotent(ctx);

  async function respondWithSession(res: Parameters<RequestHandler>[1], tenant: Tenant, id: string): Promise<void> {
    const session = await ctx.sessions.get(tenant, id);
    if (!session) throw new ApiError('notFound');
    res.json(session);
  }

  async function sessionOr404(tenant: Tenant, id: string) {
    const session = await ctx.sessions.get(tenant, id);
    if (!session) throw new ApiError('notFound');
    return session;
  }

  router.post('/:id/events', once, async (req, res) => {
    const { tenant, id } = lookup(req, res);
    const event = parseOr400(sessionEventBody, req.body);
    const result = await ctx.lifecycle.applyEvent(tenant, id, event);
    if ('recovered' in result && result.recovered) {
      const session = await sessionOr404(tenant, id);
      ctx.metrics.recoveredSessions.inc({ mode: tenant.mode });
      ctx.metrics.recoveredRevenue.inc({ mode: tenant.mode, currency: session.currency }, session.totalAmount);
      res.json(session);
      return;
    }
    await respondWithSession(res, tenant, id);
  });

  // Reserve, send, mark: the reservation is the one decision, so racing requests send one mail,
  // and a mail that went out is answered as sent whatever happened to the session meanwhile.
  router.post('/:id/recovery', once, async (req, res) => {
    const { tenant, id } = lookup(req, res);
    parseOr400(emptyBody, req.body ?? {});
    const reservation = await ctx.recovery.reserveMail(tenant, id);
    switch (reservation.outcome) {
      case 'completed':
        throw new ApiError('unprocessableEntity', { message: 'cannot send a recovery for a completed session' });
      case 'noEmail':
        throw new ApiError('unprocessableEntity', { message: 'the session has no customer email' });
      case 'wait':
        res.setHeader('Retry-After', String(Math.ceil(reservation.retryAfterMs / 1000)));
        throw new ApiError('tooManyRequests', { retryAfterMinutes: Math.ceil(reservation.retryAfterMs / 60_000), message: 'a recovery mail for this session was sent recently' });
    }
    let to: string;
    try {
      const session = await sessionOr404(tenant, id);
      to = session.customer.email ?? '';
      const link = `${publicUrl(ctx, req)}/recover/${signRecoveryToken(ctx.clientSecrets, tenant, id, ctx.clock.now())}`;
      await sendMail(tenant, recoveryMail(session, link));
    } catch (error) {
      // Not sent: the mail is given back, so trying again is not held to the cooldown.
      await ctx.recovery.releaseMail(tenant, id, reservation.reservedAt).catch((release: unknown) => {
        ctx.logger.warn({ err: release }, 'unsent recovery mail not given back; it counts until its cooldown ends');
      });
      throw error;
    }
    await ctx.lifecycle.markRecoverySent(tenant, id, maskEmail(to) ?? '');
    await respondWithSession(res, tenant, id);
  });

  router.post('/:id/receipt', once, async (req, res) => {
    const { tenant, id } = lookup(req, res);
    parseOr400(emptyBody, req.body ?? {});
    const session = await sessionOr404(tenant, id);
    if (session.status !== 'completed') throw new ApiError('unprocessableEntity', { message: `cannot resend the receipt of a ${session.status} session` });
    if (!session.customer.email) throw new ApiError('unprocessableEntity', { message: 'the session has no customer email' });
    await sendMail(tenant, receiptMail(session));
    await ctx.lifecycle.recordReceiptResent(tenant, id, maskEmail(session.customer.email) ?? '');
    await respondWithSession(res, tenant, id);
  });

  router.post('/:id/renew', once, async (req, res) => {
    const { tenant, id } = lookup(req, res);
    const body = parseOr400(renewBody, req.body ?? {});
    await ctx.lifecycle.renew(tenant, id, body.expiresInMs ?? ctx.config.sessionTtlMs);
    await respondWithSession(res, tenant, id);
  });

  router.delete('/:id', once, async (req, res) => {
    const { tenant, id } = lookup(req, res);
    await ctx.lifecycle.expire(tenant, id);
    await respondWithSession(res, tenant, id);
  });

  async function sendMail(tenant: Tenant, message: Parameters<AppContext['mailer']['send']>[1]): Promise<void> {
    try {
      await ctx.mailer.send(tenant, message);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'mail not sent');
      throw new ApiError('serviceUnavailable', { message: 'The mail server did not accept the message. Please try again.' });
    }
  }

  return router;
}
