import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.ts';

/**
 * Text no store keeps as sent: a NUL character (PostgreSQL refuses it in text and answered
 * 500) and a lone UTF-16 surrogate (not a character at all; stored, it becomes U+FFFD or fails).
 * Every request's path parameters, query and JSON body are checked before validation, and such
 * a value is refused with 400 naming the field.
 */

// eslint-disable-next-line no-control-regex -- the NUL character is what is looked for
const BAD = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 64;

function find(v: unknown, path: string, depth: number): { field: string; why: string } | null {
  if (typeof v === 'string') {
    const m = BAD.exec(v);
    if (!m) return null;
    return { field: path, why: m[0] === '\u0000' ? 'contains a NUL character' : 'contains a lone UTF-16 surrogate (not a character)' };
  }
  if (depth > MAX_DEPTH) return { field: path, why: `is nested more than ${MAX_DEPTH} levels deep` };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const f = find(v[i], `${path}[${i}]`, depth + 1);
      if (f) return f;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const kf = find(k, `${path}.${k}`, depth + 1);
      if (kf) return { field: path, why: `has a key that ${kf.why.replace(/^contains/, 'contains')}` };
      const f = find(x, `${path}.${k}`, depth + 1);
      if (f) return f;
    }
  }
  return null;
}

export function checkText(request: FastifyRequest): void {
  for (const [where, v] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
    const f = find(v, where, 0);
    if (f) throw new HttpError(400, 'invalid_text', `${f.field} ${f.why}: send text without it.`, { fields: [{ field: f.field, reason: f.why }] });
  }
}

export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => checkText(request));
}
