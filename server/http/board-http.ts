import { Router } from 'express';
import type { AppContext } from '../app-context.js';

/** Board access: token links exchanged for a cookie, merchant sign-in. */
export function boardHttpRouter(_ctx: AppContext): Router {
  return Router();
}
