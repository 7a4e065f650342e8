import { z } from 'zod';

/**
 * Metadata: up to 20 string pairs an integrator attaches to a session when creating it (an order
 * number, a cart id, a campaign), returned on the session and filterable in the list with
 * `metadata[key]=value`. Keys are short and plain so they can name a query parameter and an index.
 */
export const METADATA_MAX_PAIRS = 20;
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;

const KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;

export const metadataKey = z.string()
  .min(1, 'must not be empty')
  .max(METADATA_KEY_MAX, `must be at most ${METADATA_KEY_MAX} characters`)
  .regex(KEY_PATTERN, 'must hold only letters, digits, _ . and -');

export const metadataValue = z.string()
  .min(1, 'must not be empty')
  .max(METADATA_VALUE_MAX, `must be at most ${METADATA_VALUE_MAX} characters`);

/** As the API returns it: `{}` when the session has none. */
export const metadata = z.record(z.string(), z.string())
  .meta({ description: `Key-value pairs given at creation (at most ${METADATA_MAX_PAIRS}); filter the list with metadata[key]=value.` });
export type Metadata = z.infer<typeof metadata>;

/** As a create body gives it: each key and value checked, at most 20 pairs. */
export const metadataInput = z.record(metadataKey, metadataValue)
  .refine((pairs) => Object.keys(pairs).length <= METADATA_MAX_PAIRS, `must hold at most ${METADATA_MAX_PAIRS} pairs`)
  .meta({ description: `Up to ${METADATA_MAX_PAIRS} pairs: keys of 1-${METADATA_KEY_MAX} letters, digits, _ . or -; values of 1-${METADATA_VALUE_MAX} characters.` });

/** `metadata[order]` → `order`; undefined for any other parameter name. */
export function metadataParamKey(name: string): string | undefined {
  const match = /^metadata\[(.*)\]$/.exec(name);
  return match ? match[1] : undefined;
}
