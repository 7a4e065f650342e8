import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { RedisUnavailableError } from '../redis/unavailable.js';
import { Refusal, ScriptRefusal } from '../store/scripts.js';
import { ApiError, sendError } from './api-error.js';
import { requestIdOf } from './request-id.js';

/** Redis away is usually a restart or a failover: seconds, so clients retry soon. */
const RETRY_AFTER_SECONDS = 1;

interface HttpishError { status?: number; statusCode?: number; type?: string; expose?: boolean }

/** Maps any failure to the envelope; internals (stacks, Redis errors) only reach the log. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const apiError = toApiError(error);
    if (apiError.code === 'serverError') {
      logger.error({ err: error, requestId: requestIdOf(res), method: req.method, path: req.path }, 'request failed');
    } else if (apiError.code === 'serviceUnavailable') {
      // One line per request while Redis is away would flood the log; the Redis client already says it.
      logger.debug({ err: error, requestId: requestIdOf(res), method: req.method, path: req.path }, 'request failed: redis unavailable');
      if (!res.hasHeader('Retry-After')) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    sendError(res, apiError);
  };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // A path parameter with bad percent-encoding (`/recover/%zz`): the client's mistake, not ours.
  if (error instanceof URIError) return ApiError.invalid([{ path: 'malformed percent-encoding' }]);
  if (error instanceof ScriptRefusal) {
    if (error.code === Refusal.NotFound) return new ApiError('notFound');
    if (error.code === Refusal.IllegalTransition) {
      return new ApiError('unprocessableEntity', error.detail ? { message: error.detail } : {});
    }
  }
  const http = error as HttpishError;
  if (http && typeof http === 'object') {
    if (http.type === 'entity.too.large') return new ApiError('payloadTooLarge');
    if (http.type === 'entity.parse.failed') return ApiError.invalid([{ body: 'must be valid JSON' }]);
    if (http.type === 'encoding.unsupported' || http.type === 'charset.unsupported') {
      return ApiError.invalid([{ body: 'unsupported encoding' }]);
    }
    const status = http.status ?? http.statusCode;
    if (status === 400 && http.expose) return ApiError.invalid([{ body: 'malformed request' }]);
  }
  if (error instanceof RedisUnavailableError) return new ApiError('serviceUnavailable');
  return new ApiError('serverError');
}

export const notFoundHandler: RequestHandler = () => {
  throw new ApiError('notFound');
};
