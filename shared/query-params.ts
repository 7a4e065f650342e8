import type { z } from 'zod';

/** A JSON Schema fragment: what a query parameter is on the wire. */
type WireSchema = Record<string, unknown>;

/**
 * Query values arrive as strings and are parsed into numbers, booleans and instants by the shared
 * schemas; the OpenAPI document must still say what the client sends (an integer from 1 to 100, a
 * boolean, a date-time), or generated clients and validating proxies type them as free strings.
 * This keeps the parsing schema and replaces what the document renders for it.
 */
export function documentedAs<T extends z.ZodType>(schema: T, wire: WireSchema): T {
  return schema.meta({
    override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
      for (const key of Object.keys(jsonSchema)) {
        if (key !== 'description' && key !== 'example') delete jsonSchema[key];
      }
      Object.assign(jsonSchema, wire);
    },
  });
}

/** An integer parameter's bounds, as JSON Schema says them. */
export function integerWire(min: number, max?: number): WireSchema {
  return { type: 'integer', minimum: min, ...(max !== undefined && max < Number.MAX_SAFE_INTEGER ? { maximum: max } : {}) };
}

export const BOOLEAN_WIRE: WireSchema = { type: 'boolean' };
/** An instant, or a date standing for its UTC midnight. */
export const INSTANT_WIRE: WireSchema = { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'string', format: 'date' }] };
