import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import type { AppContext } from '../app-context.js';
import { CLIENT_DIST } from '../client-dist.js';

const DIST = CLIENT_DIST;

/**
 * The built client: `/beacon.js` (classic script) and `/beacon.mjs` (ESM) for checkout pages on any
 * host (CORS open, short cache so fixes reach pages), hashed `/assets` (cached for good), and the
 * demo checkout page at `/demo`.
 */
export function clientAssetsRouter(_ctx: AppContext): Router {
  const router = Router();
  for (const file of ['beacon.js', 'beacon.mjs']) {
    router.get(`/${file}`, (_req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.type('application/javascript');
      res.sendFile(`${DIST}${file}`, (error) => error && next());
    });
  }
  router.use('/assets', express.static(`${DIST}assets`, { immutable: true, maxAge: '365d', fallthrough: true }));
  router.get('/demo', (_req, res, next) => {
    if (!existsSync(`${DIST}demo/index.html`)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(`${DIST}demo/index.html`, (error) => error && next(error));
  });
  return router;
}
