import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { changePassword, checkCredentials } from '../../accounts/accounts.ts';
import { PASSWORD_MAX_LENGTH, csrfTokenFor, newSessionId, sha256Hex } from '../../accounts/secrets.ts';
import { InputError } from '../../errors.ts';
import type { User } from '../../store/accounts/account-repository.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY, LoginThrottle } from '../auth/throttle.ts';
import { SESSION_IDLE_MS, SESSION_MAX_MS, clearSessionCookie, readDeviceCookie, setDeviceCookie, setSessionCookie } from '../auth/session-cookie.ts';
import type { AppContext } from '../context.ts';
import { HttpError, unauthenticated } from '../http-error.ts';
import { ROLES } from '../policy.ts';
import { ErrorResponse, Ok } from './schemas.ts';

/** Sign-in and sign-out, who is signed in, and changing one's password: /api/v1/auth/*. Sign-in is throttled (auth/throttle.ts). */

const UserView = z
  .object({
    username: z.string(),
    role: z.enum(ROLES),
    party: z.string().nullable().describe('ISO3 of the party a liaison acts for; null for other roles'),
    mustChangePassword: z.boolean().describe('True after a one-time password: change it with POST /api/v1/auth/password before anything else'),
  })
  .meta({ id: 'SignedInUser' });

export const SessionResponse = z.object({
  user: UserView,
  csrfToken: z.string().nullable().describe('Send it as the x-csrf-token header on cookie-authenticated POST/PUT/PATCH/DELETE; null for bearer tokens'),
});

function userView(u: User): z.infer<typeof UserView> {
  return { username: u.username, role: u.role, party: u.party, mustChangePassword: u.mustChangePassword };
}

function tooMany(reply: FastifyReply, seconds: number): HttpError {
  void reply.header('retry-after', String(seconds));
  return new HttpError(429, 'rate_limited', `Too many failed sign-ins; try again in ${seconds} seconds (a device that signed in to this account before is not held back).`, { retryAfterSeconds: seconds });
}

export const authRoutes: FastifyPluginAsyncZod<{ ctx: Pick<AppContext, 'store'> & { clock?: () => Date } }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['auth'];
  const throttle = new LoginThrottle(store, ctx.clock);

  app.post('/api/v1/auth/login', {
    schema: {
      tags,
      summary: 'Sign in: sets the http-only session cookie foedus_session and returns the CSRF token',
      body: z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
      response: { 200: SessionResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const username = request.body.username.trim().toLowerCase();
    const account = `account:${username}`;
    const address = `address:${request.ip}`;
    // A device that signed in to this account before answers only for its own failures.
    const device = readDeviceCookie(request);
    const known = device !== null && (await store.throttle.deviceOf(sha256Hex(device))) === username;
    const deviceKey = known ? `device:${sha256Hex(device)}` : null;
    const wait = await throttle.wait(deviceKey ? [deviceKey] : [account, address]);
    if (wait > 0) throw tooMany(reply, wait);
    const user = await checkCredentials(store, username, request.body.password);
    if (!user) {
      await throttle.failed(deviceKey ? [[deviceKey, ACCOUNT_POLICY], [address, ADDRESS_POLICY]] : [[account, ACCOUNT_POLICY], [address, ADDRESS_POLICY]]);
      request.log.warn({ username, ip: request.ip, knownDevice: known }, 'sign-in failed');
      throw new HttpError(401, 'invalid_credentials', 'Wrong username or password, or the account is disabled.');
    }
    await throttle.succeeded(deviceKey ? [deviceKey] : [account]);
    const deviceId = known ? device : newSessionId();
    await store.throttle.rememberDevice(sha256Hex(deviceId), username, new Date().toISOString());
    setDeviceCookie(request, reply, deviceId);
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

  app.post('/api/v1/auth/logout', {
    schema: { tags, summary: 'Sign out: ends the session and clears its cookie', response: { 200: Ok, 403: ErrorResponse } },
  }, async (request, reply) => {
    if (request.auth?.via === 'session') await store.accounts.deleteSession(sha256Hex(request.auth.sessionId!));
    clearSessionCookie(request, reply);
    return { ok: true as const };
  });

  app.get('/api/v1/auth/me', {
    schema: { tags, summary: 'Who is signed in, and the CSRF token of this session', response: { 200: SessionResponse, 401: ErrorResponse } },
  }, async (request) => {
    const auth = request.auth;
    if (!auth) throw unauthenticated();
    return { user: userView(auth.user), csrfToken: auth.sessionId ? csrfTokenFor(auth.sessionId) : null };
  });

  app.post('/api/v1/auth/password', {
    schema: {
      tags,
      summary: "Change the signed-in user's password (required after a one-time password); ends its other sessions",
      body: z.strictObject({ currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH), newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
      response: { 200: Ok, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse },
    },
  }, async (request, reply) => {
    const auth = request.auth;
    if (!auth) throw unauthenticated();
    const key = `password:${auth.user.id}`;
    const wait = await throttle.wait([key]);
    if (wait > 0) throw tooMany(reply, wait);
    try {
      await changePassword(store, auth.user.id, request.body.currentPassword, request.body.newPassword, auth.sessionId ? sha256Hex(auth.sessionId) : undefined);
    } catch (err) {
      if (err instanceof InputError && err.code === 'wrong_password') await throttle.failed([[key, ACCOUNT_POLICY]]);
      throw err;
    }
    await throttle.succeeded([key]);
    return { ok: true as const };
  });
};
