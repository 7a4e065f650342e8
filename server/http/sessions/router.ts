import express, { Router } from 'express';
import type { AppContext } from '../../app-context.js';
import { idempotent } from '../idempotency.js';
import { createSession } from './create.js';
import { getSession } from './get.js';
import { listSessions } from './list.js';
import { sessionRoutes } from './session-routes.js';

const JSON_LIMIT = '16kb';

/** `/v1/checkouts/sessions`: create, list, read one; events and actions per session. */
export function sessionsRouter(ctx: AppContext): Router {
  const router = Router();
  router.use(express.json({ limit: JSON_LIMIT, strict: true }));
  // A retried create returns the first session instead of making a second one.
  router.post('/', idempotent(ctx), createSession(ctx));
  router.get('/', listSessions(ctx));
  router.get('/:id', getSession(ctx));
  router.use('/', sessionRoutes(ctx));
  return router;
}
