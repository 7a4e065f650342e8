import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context.js';
import { ApiError } from '../api-error.js';

/** `GET /v1/checkouts/sessions`: the list with every filter of the source API. */
export function listSessions(_ctx: AppContext): RequestHandler {
  return () => {
    throw new ApiError('notFound');
  };
}
