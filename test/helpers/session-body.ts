import type { z } from 'zod';
import { createSessionBody, type CreateSessionBody } from '../../shared/session.js';

/** A creation body as the API parses it (defaults filled in), for tests that create through the store. */
export function sessionBody(input: z.input<typeof createSessionBody>): CreateSessionBody {
  return createSessionBody.parse(input);
}
