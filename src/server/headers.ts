import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every answer. The UI is served from the same origin and loads nothing
 * from elsewhere (no CDN, tile server or font: web/README.md), so its policy is strict: scripts
 * only from the server itself, never inline; styles from the server plus inline style
 * attributes (React and MapLibre set them); images also as data:/blob: (map canvases);
 * MapLibre's worker from the server or a blob. No page may be framed (clickjacking). The API's
 * browsable docs (/api/docs, Swagger UI) run inline scripts and keep their own looser policy.
 * An answer that set its own policy (a printable case report) keeps it. HSTS is sent only when
 * the request came over TLS (directly or through a trusted proxy: FOEDUS_TRUST_PROXY).
 */
const UI_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const DOCS_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', request.url.startsWith('/api/docs') ? DOCS_POLICY : UI_POLICY);
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });
}
