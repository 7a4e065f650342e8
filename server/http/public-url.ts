import type { Request } from 'express';
import type { AppContext } from '../app-context.js';

/** Base of links handed out (board, recovery): `PUBLIC_URL`, else the address the request came to. */
export function publicUrl(ctx: AppContext, req?: Request): string {
  if (ctx.config.env.PUBLIC_URL) return ctx.config.env.PUBLIC_URL.replace(/\/$/, '');
  const host = req?.get('host') ?? `localhost:${ctx.config.env.PORT}`;
  return `${req?.protocol ?? 'http'}://${host}`;
}
