import { Router } from 'express';
import type { AppContext } from '../../app-context.js';

/** Per-session events and actions: `POST /:id/events`, `/recovery`, `/receipt`, `/renew`, `DELETE /:id`. */
export function sessionRoutes(_ctx: AppContext): Router {
  return Router();
}
