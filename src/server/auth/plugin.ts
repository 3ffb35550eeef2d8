import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { InputError } from '../../errors.ts';
import type { User } from '../../store/accounts/account-repository.ts';
import type { Store } from '../../store/store.ts';
import { HttpError, unauthenticated } from '../http-error.ts';
import type { Actor } from '../policy.ts';
import { ROLES } from '../policy.ts';
import { changePassword, checkCredentials } from './accounts.ts';
import { FixedWindowLimiter, LOGIN_LIMIT_DEFAULTS, type RateLimitOptions } from './rate-limit.ts';
import { PASSWORD_MAX_LENGTH, csrfTokenFor, newSessionId, safeEqual, sha256Hex } from './secrets.ts';
import { cachedToken, rememberToken } from './token-cache.ts';

export { registerUserRoutes } from '../routes/users.ts';
export { registerLedgerRoutes } from '../routes/ledger.ts';
export type { Actor };

/**
 * Authentication for the API: who is asking (a session cookie for the browser UI,
 * `Authorization: Bearer <token>` for scripts), CSRF protection of cookie-authenticated
 * writes, login rate limiting, and the /api/v1/auth/* routes.
 *
 * After `registerAuth(app, …)` every request under /api/ carries `request.actor`
 * (null when nobody is signed in); routes then call `authorize(request.actor, …)`
 * from src/server/policy.ts.
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

export interface AuthDeps {
  store: Store;
  /** Demo mode (demo accounts exist); currently only logged. */
  demo?: boolean;
  /** Login rate limit (default 10 attempts / 5 minutes per address and per username). */
  loginLimit?: RateLimitOptions;
}

export const SESSION_COOKIE = 'foedus_session';
/** A session ends after 12 hours without a request… */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** …and in any case 7 days after sign-in. */
export const SESSION_MAX_MS = 7 * 24 * 3600_000;
/** last_seen_at / last_used_at are written at most once a minute per session or token. */
const TOUCH_EVERY_MS = 60_000;
/** `Authorization: Bearer <token>`: the token's characters (RFC 6750 b64token), at most 512. */
const BEARER = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{1,512})\s*$/i;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Signing in needs no CSRF token: it carries the password, and it replaces any session it comes with. */
const CSRF_EXEMPT = new Set(['/api/v1/auth/login']);

export function toActor(user: User): Actor {
  return { id: user.id, username: user.username, role: user.role, party: user.party };
}

const UserView = z
  .object({
    username: z.string(),
    role: z.enum(ROLES),
    party: z.string().nullable().describe('ISO3 of the party a liaison acts for; null for other roles'),
    mustChangePassword: z.boolean().describe('True after a one-time password: change it with POST /api/v1/auth/password before anything else'),
  })
  .meta({ id: 'SignedInUser' });

const SessionResponse = z.object({
  user: UserView,
  csrfToken: z.string().nullable().describe('Send it as the x-csrf-token header on cookie-authenticated POST/PUT/PATCH/DELETE; null for bearer tokens'),
});

const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

function userView(u: User): z.infer<typeof UserView> {
  return { username: u.username, role: u.role, party: u.party, mustChangePassword: u.mustChangePassword };
}

function pathOf(request: FastifyRequest): string {
  const i = request.url.indexOf('?');
  return i === -1 ? request.url : request.url.slice(0, i);
}

function cookieSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https' || process.env.FOEDUS_COOKIE_SECURE === '1';
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  void reply.setCookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieSecure(request),
    path: '/',
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: cookieSecure(request), path: '/' });
}

/** Whether a session's or token's last use (ISO time, null when never) is due to be written again. */
function touchDue(lastAt: string | null, now: number): boolean {
  return !lastAt || now - Date.parse(lastAt) > TOUCH_EVERY_MS;
}

/** Resolves who is asking. Throws 401 for a bad bearer token (a script should learn its token is wrong, not be treated as anonymous). */
async function authenticate(store: Store, request: FastifyRequest, reply: FastifyReply): Promise<AuthInfo | null> {
  const now = Date.now();
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = BEARER.exec(header);
    if (!m) throw new HttpError(401, 'invalid_token', 'The Authorization header must be "Bearer <token>".');
    const tokenHash = sha256Hex(m[1]!);
    let found = cachedToken(store, tokenHash, now);
    if (!found) {
      found = (await store.accounts.findToken(tokenHash)) ?? undefined;
      if (!found || found.user.disabledAt) {
        throw new HttpError(401, 'invalid_token', 'This API token is not valid: it is unknown or revoked, or its user is disabled.');
      }
      rememberToken(store, tokenHash, found, now);
    }
    if (touchDue(found.token.lastUsedAt, now)) {
      const at = new Date(now).toISOString();
      found.token.lastUsedAt = at; // the cached record too: one touch a minute, not one per request
      await store.accounts.touchToken(found.token.id, at);
    }
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
  if (touchDue(session.lastSeenAt, now)) {
    await store.accounts.touchSession(idHash, new Date(now).toISOString());
  }
  return { via: 'session', user, sessionId: sid };
}

/**
 * The fast path of authentication: a well-formed bearer token found in the token cache whose
 * last use was recorded less than a minute ago. Null sends the request down `authenticate`.
 */
function knownBearer(store: Store, request: FastifyRequest, now: number): AuthInfo | null {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const m = BEARER.exec(header);
  if (!m) return null;
  const found = cachedToken(store, sha256Hex(m[1]!), now);
  if (!found || touchDue(found.token.lastUsedAt, now)) return null;
  return { via: 'token', user: found.user, sessionId: null };
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

/**
 * Admits the actor (or nobody) and ends the hook. A module function, not a closure made per request:
 * the server runs through tsx, whose esbuild keeps function names, so every named closure costs an
 * Object.defineProperty call (~3 % of the CPU of POST /assess under load, in a profile).
 */
function settle(request: FastifyRequest, path: string, auth: AuthInfo | null, done: (err?: Error) => void): void {
  let err: unknown;
  try {
    if (auth) admit(request, path, auth);
  } catch (e) {
    err = e;
  }
  done(err as Error | undefined);
}

export async function registerAuth(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const { store } = deps;
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
  app.decorateRequest('actor', null);
  app.decorateRequest('auth', null);

  // Every /api/ request passes here. Written with `done`, not async: a bearer token checked a
  // moment ago (a script's requests one after another) is admitted without making a promise;
  // anything else (a first sight, a session cookie, a touch due) takes the async path.
  app.addHook('onRequest', (request, reply, done) => {
    request.actor = null;
    request.auth = null;
    const path = pathOf(request);
    if (!path.startsWith('/api/')) return done();
    const known = knownBearer(store, request, Date.now());
    if (known !== null) return settle(request, path, known, done);
    authenticate(store, request, reply).then((auth) => settle(request, path, auth, done), done);
  });

  const ipLimiter = new FixedWindowLimiter(deps.loginLimit ?? LOGIN_LIMIT_DEFAULTS);
  const userLimiter = new FixedWindowLimiter(deps.loginLimit ?? LOGIN_LIMIT_DEFAULTS);

  const tooMany = (reply: FastifyReply, seconds: number): HttpError => {
    void reply.header('retry-after', String(seconds));
    return new HttpError(429, 'rate_limited', `Too many sign-in attempts; try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
  };

  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  r.post('/api/v1/auth/login', {
    schema: {
      tags,
      summary: 'Sign in: sets the http-only session cookie foedus_session and returns the CSRF token',
      body: z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
      response: { 200: SessionResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const username = request.body.username.trim().toLowerCase();
    const ipKey = request.ip;
    const wait = Math.max(ipLimiter.retryAfter(ipKey), userLimiter.retryAfter(username));
    if (wait > 0) throw tooMany(reply, wait);
    const user = await checkCredentials(store, username, request.body.password);
    if (!user) {
      // Failures count, per address and per username: an operations centre behind one
      // NAT address signing in all morning is not throttled, a guesser is.
      ipLimiter.hit(ipKey);
      userLimiter.hit(username);
      request.log.warn({ username, ip: request.ip }, 'sign-in failed');
      throw new HttpError(401, 'invalid_credentials', 'Wrong username or password, or the account is disabled.');
    }
    userLimiter.reset(username);
    // A new session id at every sign-in (no fixation); any session the browser came with ends.
    if (request.auth?.via === 'session') await store.accounts.deleteSession(sha256Hex(request.auth.sessionId!));
    const sid = newSessionId();
    const now = new Date();
    // Sign-ins are rare: a good moment to drop every session that has run out.
    await store.accounts.deleteExpiredSessions(now.toISOString(), new Date(now.getTime() - SESSION_IDLE_MS).toISOString());
    await store.accounts.createSession({
      idHash: sha256Hex(sid),
      userId: user.id,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_MAX_MS).toISOString(),
    });
    setSessionCookie(request, reply, sid);
    request.log.info({ username }, 'signed in');
    return { user: userView(user), csrfToken: csrfTokenFor(sid) };
  });

  r.post('/api/v1/auth/logout', {
    schema: { tags, summary: 'Sign out: ends the session and clears its cookie', response: { 200: z.object({ ok: z.literal(true) }), 403: ErrorResponse } },
  }, async (request, reply) => {
    if (request.auth?.via === 'session') await store.accounts.deleteSession(sha256Hex(request.auth.sessionId!));
    clearSessionCookie(request, reply);
    return { ok: true as const };
  });

  r.get('/api/v1/auth/me', {
    schema: { tags, summary: 'Who is signed in, and the CSRF token of this session', response: { 200: SessionResponse, 401: ErrorResponse } },
  }, async (request) => {
    const auth = request.auth;
    if (!auth) throw unauthenticated();
    return { user: userView(auth.user), csrfToken: auth.sessionId ? csrfTokenFor(auth.sessionId) : null };
  });

  r.post('/api/v1/auth/password', {
    schema: {
      tags,
      summary: "Change the signed-in user's password (required after a one-time password); ends its other sessions",
      body: z.strictObject({ currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH), newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
      response: { 200: z.object({ ok: z.literal(true) }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const auth = request.auth;
    if (!auth) throw unauthenticated();
    const key = `password:${auth.user.id}`;
    const wait = userLimiter.retryAfter(key);
    if (wait > 0) throw tooMany(reply, wait);
    try {
      await changePassword(store, auth.user.id, request.body.currentPassword, request.body.newPassword, auth.sessionId ? sha256Hex(auth.sessionId) : undefined);
    } catch (err) {
      if (err instanceof InputError && err.code === 'wrong_password') userLimiter.hit(key);
      throw err;
    }
    return { ok: true as const };
  });

  if (deps.demo) app.log.info('demo mode: demo accounts are available');
}
