import { z } from 'zod';

/** `sess_` + 20 lowercase hex characters, e.g. `sess_a1b2c3d4e5f6789012ab`. */
export const SESSION_ID_PATTERN = /^sess_[0-9a-f]{20}$/;
export const sessionId = z.string().regex(SESSION_ID_PATTERN, 'must be sess_ followed by 20 lowercase hex characters');

/** Merchant ids are embedded in Redis hash tags, so they are kept to a safe alphabet. */
export const MERCHANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const merchantId = z.string().regex(MERCHANT_ID_PATTERN, 'must be 1-64 letters, digits, _ or -');

export const MODES = ['live', 'test'] as const;
export const mode = z.enum(MODES);
export type Mode = z.infer<typeof mode>;

/** Identifiers given by integrators: any non-empty string up to 128 characters. */
export const externalId = z.string().min(1).max(128);
