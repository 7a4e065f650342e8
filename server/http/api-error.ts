import type { Response } from 'express';
import { ERROR_CODES, errorBody, type ErrorCode, type ErrorExtras, type ErrorParams, issuesToParams } from '../../shared/errors.js';
import type { z } from 'zod';

/** An error meant for the client, rendered as the API's envelope. Domain code never sees HTTP. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly code: ErrorCode, readonly extras: ErrorExtras = {}) {
    super(extras.message ?? code);
  }

  get statusCode(): number {
    return ERROR_CODES[this.code].statusCode;
  }

  static invalid(params: ErrorParams): ApiError {
    return new ApiError('invalidParameters', { params });
  }
}

export function sendError(res: Response, error: ApiError): void {
  if (error.extras.retryAfterMinutes !== undefined && !res.hasHeader('Retry-After')) {
    res.setHeader('Retry-After', String(error.extras.retryAfterMinutes * 60));
  }
  res.status(error.statusCode).json(errorBody(error.code, error.extras));
}

/** Parses with a shared schema or throws the 400 envelope naming every bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ApiError.invalid(issuesToParams(result.error.issues));
  return result.data;
}
