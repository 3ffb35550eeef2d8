import type { FastifyReply, FastifyRequest } from 'fastify';

/** The browser's session cookie: http-only, SameSite=Lax, secure behind https (or with FOEDUS_COOKIE_SECURE=1). */

export const SESSION_COOKIE = 'foedus_session';
/** A session ends after 12 hours without a request… */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** …and in any case 7 days after sign-in. */
export const SESSION_MAX_MS = 7 * 24 * 3600_000;

function cookieSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https' || process.env.FOEDUS_COOKIE_SECURE === '1';
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  void reply.setCookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieSecure(request),
    path: '/',
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: cookieSecure(request), path: '/' });
}
