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

/**
 * The device cookie (OWASP's "device cookies"): set at every successful sign-in, kept a year, sent
 * only to the sign-in routes. It lets a device that signed in to an account before through while
 * others' failed guesses hold that account back (auth/throttle.ts). Only its hash is stored.
 */
export const DEVICE_COOKIE = 'foedus_device';
const DEVICE_MAX_S = 365 * 24 * 3600;

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, deviceId: string): void {
  void reply.setCookie(DEVICE_COOKIE, deviceId, { httpOnly: true, sameSite: 'strict', secure: cookieSecure(request), path: '/api/v1/auth', maxAge: DEVICE_MAX_S });
}

/** The device id the browser sent, or null (absent or not one of ours). */
export function readDeviceCookie(request: FastifyRequest): string | null {
  const v = request.cookies?.[DEVICE_COOKIE];
  return typeof v === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(v) ? v : null;
}
