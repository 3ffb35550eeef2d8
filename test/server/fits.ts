import { expect } from 'vitest';
import type { z } from 'zod';

/**
 * Reads a 200 body with its route's response schema (imported from the route, as the
 * server encodes it): the schema must accept the body and describe every field of it,
 * so a field the server adds without documenting it, or drops, fails here.
 */
export function expectFits<S extends z.ZodType>(schema: S, body: unknown, what = 'body'): z.output<S> {
  const r = schema.safeParse(body);
  expect(r.error, `${what} does not fit its schema`).toBeUndefined();
  expect(r.data, `${what} has fields its schema does not describe`).toEqual(body);
  return r.data as z.output<S>;
}
