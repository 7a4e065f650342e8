import type { AppContext } from '../app-context.js';

/**
 * Base of links handed out (board, recovery mail, API docs): `PUBLIC_URL`, required outside the
 * demo. Never the request's Host header: a forged Host would send valid tokens to any host.
 */
export function publicUrl(ctx: AppContext, _request?: unknown): string {
  if (ctx.config.env.PUBLIC_URL) return ctx.config.env.PUBLIC_URL.replace(/\/$/, '');
  return `http://localhost:${ctx.config.env.PORT}`;
}
