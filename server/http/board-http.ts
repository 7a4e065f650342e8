import express, { Router, type Response } from 'express';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { CLIENT_DIST } from '../client-dist.js';
import { BOARD_COOKIE, BOARD_COOKIE_MAX_AGE_MS, type BoardIdentity } from '../auth/board-cookie.js';
import { sha256 } from '../store/secrets.js';
import { ApiError, parseOr400 } from './api-error.js';
import { BOARD_LINK_INVALID_PAGE } from './board-link-invalid.js';

const BOARD_DIR = `${CLIENT_DIST}board/`;
const signInBody = z.strictObject({ key: z.string().min(1).max(200) });

/**
 * Board access: `/board?token=…` trades a board token for an httpOnly cookie (read-only), and
 * `POST /board/session` signs a merchant in with a secret key (may act). `GET /board/me` says who
 * is signed in; `DELETE /board/session` signs out. The board itself is served from the build.
 */
export function boardHttpRouter(ctx: AppContext): Router {
  const router = Router();

  function setCookie(res: Response, identity: BoardIdentity): void {
    res.cookie(BOARD_COOKIE, ctx.boardCookies.sign(identity), {
      httpOnly: true, sameSite: 'strict', path: '/', maxAge: BOARD_COOKIE_MAX_AGE_MS, secure: ctx.config.env.PUBLIC_URL?.startsWith('https:') ?? false,
    });
  }

  router.get('/board', async (req, res, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token) {
      const record = await ctx.boardTokens.verify(token);
      if (!record) {
        // A person following a link gets a page; a program asking for JSON gets the envelope.
        if (req.accepts(['html', 'json']) !== 'html') throw new ApiError('unauthorized');
        res.status(401).type('html').send(BOARD_LINK_INVALID_PAGE);
        return;
      }
      setCookie(res, { merchantId: record.merchantId, mode: record.mode, role: 'viewer', digest: sha256(token), expiresAt: ctx.clock.now() + BOARD_COOKIE_MAX_AGE_MS });
      const rest = new URLSearchParams(req.query as Record<string, string>);
      rest.delete('token');
      res.redirect(303, `/board${rest.size ? `?${rest}` : ''}`);
      return;
    }
    if (!existsSync(`${BOARD_DIR}index.html`)) {
      res.status(503).type('text').send('The board is not built yet: run `npm run build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    // Cross-origin isolated (with helmet's same-origin opener policy): the board embeds nothing from
    // elsewhere, so this costs nothing, keeps other sites' windows out of its process, and gives its
    // timers 5 µs precision instead of 100 µs.
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.sendFile(`${BOARD_DIR}index.html`, (error) => error && next(error));
  });

  router.post('/board/session', express.json({ limit: '1kb' }), async (req, res) => {
    const { key } = parseOr400(signInBody, req.body);
    const record = await ctx.apiKeys.verify(key);
    if (!record) throw new ApiError('unauthorized');
    const identity: BoardIdentity = { merchantId: record.merchantId, mode: record.mode, role: 'merchant', digest: sha256(key), expiresAt: ctx.clock.now() + BOARD_COOKIE_MAX_AGE_MS };
    setCookie(res, identity);
    res.json({ merchantId: identity.merchantId, mode: identity.mode, role: identity.role });
  });

  // Signing out ends the cookie itself, not only the browser's copy, and the boards it opened.
  router.delete('/board/session', async (req, res) => {
    await ctx.boardCookies.signOut((req.cookies as Record<string, unknown> | undefined)?.[BOARD_COOKIE]);
    res.clearCookie(BOARD_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/board/me', async (req, res) => {
    const identity = await ctx.boardCookies.verify((req.cookies as Record<string, unknown> | undefined)?.[BOARD_COOKIE]);
    if (!identity) throw new ApiError('unauthorized');
    res.json({ merchantId: identity.merchantId, mode: identity.mode, role: identity.role });
  });

  return router;
}
