import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const INBOUND = /^[A-Za-z0-9._-]{8,128}$/;

/** Every response carries `X-Request-Id`: the caller's when it is sane, a fresh UUID otherwise. */
export const requestId: RequestHandler = (req, res, next) => {
  const inbound = req.get('x-request-id');
  const id = inbound && INBOUND.test(inbound) ? inbound : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

export function requestIdOf(res: { locals: Record<string, unknown> }): string {
  return String(res.locals.requestId ?? '');
}
