import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { csrfTokenFor, safeEqual, sha256Hex } from '../../accounts/secrets.ts';
import type { User } from '../../store/accounts/account-repository.ts';
import type { Store } from '../../store/store.ts';
import { HttpError, unauthenticated } from '../http-error.ts';
import { requireRole, type Actor, type RoleRequirement } from '../policy.ts';
import { SESSION_COOKIE, SESSION_IDLE_MS, clearSessionCookie } from './session-cookie.ts';

/**
 * Who is asking: a session cookie for the browser UI, `Authorization: Bearer <token>`
 * for scripts. After `registerAuth(app, …)` every request under /api/ carries
 * `request.actor` (null when nobody is signed in); routes then call `authorize`
 * (src/server/policy.ts). Cookie-authenticated writes must carry the CSRF token,
 * and a one-time password allows nothing but changing it.
 *
 * Each request looks its token or session up in the store: disabling a user, revoking a
 * token or changing a password (from the API, the CLI or another server process) takes
 * effect on the next request. The lookup is one indexed query (see docs/benchmarks.md).
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null. Set by registerAuth's onRequest hook. */
    actor: Actor | null;
    /** How the actor signed in; null when nobody did. */
    auth: AuthInfo | null;
  }
}

export interface AuthInfo {
  via: 'session' | 'token';
  user: User;
  /** The session id (cookie value) when via session: the CSRF token derives from it. */
  sessionId: string | null;
}

/** last_seen_at / last_used_at are written at most once a minute per session or token. */
const TOUCH_EVERY_MS = 60_000;
/** `Authorization: Bearer <token>`: the token's characters (RFC 6750 b64token), at most 512. */
const BEARER = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{1,512})\s*$/i;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Signing in needs no CSRF token: it carries the password, and it replaces any session it comes with. */
const CSRF_EXEMPT = new Set(['/api/v1/auth/login']);
/**
 * The API paths open to anyone. Every other /api/ request is refused with 401 here, before its
 * body or query is validated: an anonymous caller learns nothing of the API's schemas.
 * (/api/v1/auth/me answers 401 itself, in the route, for the UI's silent check.)
 */
function isPublic(path: string): boolean {
  return path === '/api/v1/auth/login' || path === '/api/v1/auth/me' || path === '/api/v1/openapi.json' || path === '/api/docs' || path.startsWith('/api/docs/');
}

export function toActor(user: User): Actor {
  return { id: user.id, username: user.username, role: user.role, party: user.party };
}

function pathOf(request: FastifyRequest): string {
  const i = request.url.indexOf('?');
  return i === -1 ? request.url : request.url.slice(0, i);
}

/** Whether a session's or token's last use (ISO time, null when never) is due to be written again. */
function touchDue(lastAt: string | null, now: number): boolean {
  return !lastAt || now - Date.parse(lastAt) > TOUCH_EVERY_MS;
}

/** Resolves who is asking. Throws 401 for a bad bearer token (a script should learn its token is wrong, not be treated as anonymous). */
export async function authenticate(store: Store, request: FastifyRequest, reply: FastifyReply): Promise<AuthInfo | null> {
  const now = Date.now();
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = BEARER.exec(header);
    if (!m) throw new HttpError(401, 'invalid_token', 'The Authorization header must be "Bearer <token>".');
    const found = await store.accounts.findToken(sha256Hex(m[1]!));
    if (!found || found.user.disabledAt) {
      throw new HttpError(401, 'invalid_token', 'This API token is not valid: it is unknown or revoked, or its user is disabled.');
    }
    if (touchDue(found.token.lastUsedAt, now)) await store.accounts.touchToken(found.token.id, new Date(now).toISOString());
    return { via: 'token', user: found.user, sessionId: null };
  }

  const sid = request.cookies?.[SESSION_COOKIE];
  if (!sid) return null;
  const idHash = sha256Hex(sid);
  const found = await store.accounts.findSession(idHash);
  if (!found) {
    clearSessionCookie(request, reply);
    return null;
  }
  const { session, user } = found;
  const expired = Date.parse(session.expiresAt) <= now || now - Date.parse(session.lastSeenAt) >= SESSION_IDLE_MS;
  if (expired || user.disabledAt) {
    await store.accounts.deleteSession(idHash);
    clearSessionCookie(request, reply);
    return null;
  }
  if (touchDue(session.lastSeenAt, now)) await store.accounts.touchSession(idHash, new Date(now).toISOString());
  return { via: 'session', user, sessionId: sid };
}

/** Sets who is asking on the request; refuses a cookie write without its CSRF token and any use of a one-time password but changing it. */
function admit(request: FastifyRequest, path: string, auth: AuthInfo): void {
  request.auth = auth;
  request.actor = toActor(auth.user);
  if (auth.via === 'session' && UNSAFE_METHODS.has(request.method) && !CSRF_EXEMPT.has(path)) {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(auth.sessionId!))) {
      throw new HttpError(403, 'csrf', 'This change needs the x-csrf-token header with the csrfToken from sign-in or GET /api/v1/auth/me.');
    }
  }
  if (auth.user.mustChangePassword && !path.startsWith('/api/v1/auth/')) {
    throw new HttpError(403, 'password_change_required', 'This account has a one-time password: choose a new one with POST /api/v1/auth/password first.');
  }
}

/** Adds the authentication hook to every /api/ request of `app` (call it on the root instance, before the routes). */
export async function registerAuth(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
  app.decorateRequest('actor', null);
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request);
    if (!path.startsWith('/api/')) return;
    const auth = await authenticate(deps.store, request, reply);
    if (auth) admit(request, path, auth);
    else if (!isPublic(path)) throw unauthenticated();
  });
  // A route that names what it needs (config.requires) refuses a role the policy never grants it,
  // before the body is validated: an observer's malformed change is a 403, not a 400.
  app.addHook('preValidation', async (request) => {
    const requires = (request.routeOptions.config as { requires?: RoleRequirement } | undefined)?.requires;
    if (requires) requireRole(request.actor, requires);
  });
}
