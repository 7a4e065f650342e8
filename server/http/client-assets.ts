import { Router } from 'express';
import type { AppContext } from '../app-context.js';

/** The built client: the board, the demo checkout page and `/beacon.js`. */
export function clientAssetsRouter(_ctx: AppContext): Router {
  return Router();
}
