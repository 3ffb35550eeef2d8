import type { FastifyRequest } from 'fastify';
import type { Lang } from '../charter/schema.ts';

/**
 * The language of an answer's messages: `?lang=fr|en` when given, else the first of
 * French or English in Accept-Language (the UI sends its own), else English.
 */
export function langOf(request: FastifyRequest): Lang {
  const q = (request.query as { lang?: unknown } | undefined)?.lang;
  if (q === 'fr' || q === 'en') return q;
  const header = String(request.headers['accept-language'] ?? '').toLowerCase();
  const fr = header.search(/(^|,)\s*fr\b/);
  const en = header.search(/(^|,)\s*en\b/);
  if (fr >= 0 && (en < 0 || fr < en)) return 'fr';
  return 'en';
}
