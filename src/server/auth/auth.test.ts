import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { openTestStore, DIALECTS, type TestStore } from '../../store/testing.ts';
import { openDatabase, closeDatabase } from '../../store/database.ts';
import { openStore } from '../../store/store.ts';
import { handleError } from '../errors.ts';
import { authorize } from '../policy.ts';
import { addUser, issueToken } from '../../accounts/accounts.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ensureBootstrapAdmin, ensureDemoAccounts } from '../../accounts/bootstrap.ts';
import { sha256Hex } from '../../accounts/secrets.ts';
import { expectFits } from '../../../test/server/fits.ts';
import { authRoutes, SessionResponse } from '../routes/auth.ts';
import { LedgerPage, LedgerVerification, ledgerRoutes } from '../routes/ledger.ts';
import { Ok } from '../routes/schemas.ts';
import { IssuedToken, OneUser, UserList, userRoutes } from '../routes/users.ts';
import { registerAuth } from './authenticate.ts';
import { DEVICE_COOKIE, SESSION_COOKIE } from './session-cookie.ts';

/**
 * The auth plugin in a minimal app with the server's error handler, on both stores.
 * One write route (/api/v1/test/incidents) stands in for the API's writes.
 */

/** The sign-in throttle's clock: tests move it instead of waiting. */
let now = Date.parse('2026-06-01T08:00:00Z');
const clock = () => new Date(now);

async function buildApp(store: TestStore['store']): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  await registerAuth(app, { store });
  await app.register(authRoutes, { ctx: { store, clock } });
  await app.register(userRoutes, { ctx: { store } });
  await app.register(ledgerRoutes, { ctx: { store } });
  app.post('/api/v1/test/incidents', async (request) => {
    authorize(request.actor, 'create', 'incident');
    return { by: request.actor.username };
  });
  await app.ready();
  return app;
}

const PW = 'correct horse battery';

interface Session {
  cookie: string;
  csrf: string;
}

function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error(`no session cookie in ${res.statusCode} ${res.body}`);
  return c.value;
}

async function login(app: FastifyInstance, username: string, password = PW): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: sessionCookie(res), csrf: expectFits(SessionResponse, res.json()).csrfToken! };
}

describe.each(DIALECTS)('auth on %s', (dialect) => {
  let t: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    await addUser(t.store, 'system', { username: 'ops', role: 'secretariat', password: PW });
    await addUser(t.store, 'system', { username: 'root', role: 'admin', password: PW });
    await addUser(t.store, 'system', { username: 'ana', role: 'observer', password: PW });
    await addUser(t.store, 'system', { username: 'mli', role: 'liaison', party: 'mli', password: PW });
    app = await buildApp(t.store);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('stores argon2id hashes, never the password', async () => {
    const u = await t.store.accounts.findUser('ops');
    expect(u!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(u!.passwordHash).not.toContain(PW);
    expect((await t.store.accounts.findUser('mli'))!.party).toBe('MLI');
  });

  it('signs in with a password: http-only SameSite=Lax cookie, user and CSRF token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ops', password: PW } });
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === SESSION_COOKIE)!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(c.secure).toBeFalsy();
    expect(c.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.json()).toEqual({ user: { username: 'ops', role: 'secretariat', party: null, mustChangePassword: false }, csrfToken: expect.any(String) });
    // Only the hash of the session id is stored.
    expect(await t.store.accounts.findSession(c.value)).toBeNull();
    expect(await t.store.accounts.findSession(sha256Hex(c.value))).not.toBeNull();

    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { [SESSION_COOKIE]: c.value } });
    expect(me.statusCode).toBe(200);
    expect(expectFits(SessionResponse, me.json())).toEqual(res.json());
  });

  it('marks the cookie secure behind https', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ops', password: PW }, headers: { 'x-forwarded-proto': 'https' } });
    // Without trustProxy the forwarded header is ignored; FOEDUS_COOKIE_SECURE=1 forces it.
    expect(res.cookies.find((x) => x.name === SESSION_COOKIE)!.secure).toBeFalsy();
    process.env.FOEDUS_COOKIE_SECURE = '1';
    try {
      const r2 = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ops', password: PW } });
      expect(r2.cookies.find((x) => x.name === SESSION_COOKIE)!.secure).toBe(true);
    } finally {
      delete process.env.FOEDUS_COOKIE_SECURE;
    }
  });

  it('refuses a wrong password and an unknown user alike (401)', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ana', password: 'nope-nope-nope' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: PW } });
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String), requestId: expect.any(String) } });
      expect(r.cookies.find((x) => x.name === SESSION_COOKIE && x.value)).toBeUndefined();
    }
  });

  it('refuses unknown fields and malformed bodies cleanly', async () => {
    const extra = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ops', password: PW, admin: true } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.code).toBe('invalid_request');
    const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toMatch(/at .*\.ts/);
  });

  it('401 when not signed in; 401 with a bogus or expired session cookie', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthenticated');
    const bogus = await app.inject({ method: 'GET', url: '/api/v1/users', cookies: { [SESSION_COOKIE]: 'made-up' } });
    expect(bogus.statusCode).toBe(401);

    const s = await login(app, 'ana');
    // Age the session past its idle limit, as if 13 hours went by.
    const old = new Date(Date.now() - 13 * 3600_000).toISOString();
    const d = openDatabase(t.config);
    try {
      await sql`update user_session set last_seen_at = ${old} where id_hash = ${sha256Hex(s.cookie)}`.execute(d.db);
    } finally {
      await closeDatabase(d);
    }
    const expired = await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { [SESSION_COOKIE]: s.cookie } });
    expect(expired.statusCode).toBe(401);
    expect(await t.store.accounts.findSession(sha256Hex(s.cookie))).toBeNull();

    // Past the absolute limit (7 days) a session ends even if used a minute ago.
    const s2 = await login(app, 'ana');
    const d2 = openDatabase(t.config);
    try {
      await sql`update user_session set expires_at = ${new Date(Date.now() - 1000).toISOString()} where id_hash = ${sha256Hex(s2.cookie)}`.execute(d2.db);
    } finally {
      await closeDatabase(d2);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { [SESSION_COOKIE]: s2.cookie } })).statusCode).toBe(401);
  });

  it('cookie-authenticated writes need the CSRF header (403 csrf), reads do not', async () => {
    const s = await login(app, 'ops');
    const read = await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { [SESSION_COOKIE]: s.cookie } });
    expect(read.statusCode).toBe(200);
    const noToken = await app.inject({ method: 'POST', url: '/api/v1/test/incidents', cookies: { [SESSION_COOKIE]: s.cookie }, payload: {} });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf');
    const wrongToken = await app.inject({ method: 'POST', url: '/api/v1/test/incidents', cookies: { [SESSION_COOKIE]: s.cookie }, headers: { 'x-csrf-token': 'x'.repeat(43) }, payload: {} });
    expect(wrongToken.statusCode).toBe(403);
    // Another session's token does not fit this one.
    const other = await login(app, 'ops');
    const crossed = await app.inject({ method: 'POST', url: '/api/v1/test/incidents', cookies: { [SESSION_COOKIE]: s.cookie }, headers: { 'x-csrf-token': other.csrf }, payload: {} });
    expect(crossed.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url: '/api/v1/test/incidents', cookies: { [SESSION_COOKIE]: s.cookie }, headers: { 'x-csrf-token': s.csrf }, payload: {} });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ by: 'ops' });
  });

  it('bearer tokens: shown once, stored hashed, no CSRF needed; a bad token is 401', async () => {
    const admin = await login(app, 'root');
    const issued = await app.inject({ method: 'POST', url: '/api/v1/users/ops/tokens', cookies: { [SESSION_COOKIE]: admin.cookie }, headers: { 'x-csrf-token': admin.csrf }, payload: { label: 'nightly import' } });
    expect(issued.statusCode).toBe(201);
    const token = expectFits(IssuedToken, issued.json()).token;
    expect(token).toMatch(/^fdt_[A-Za-z0-9_-]{43}$/);
    expect(await t.store.accounts.findToken(token)).toBeNull();
    expect(await t.store.accounts.findToken(sha256Hex(token))).not.toBeNull();

    // Every use is checked against the store; the token works one request after another.
    for (let i = 0; i < 3; i++) {
      const write = await app.inject({ method: 'POST', url: '/api/v1/test/incidents', headers: { authorization: `Bearer ${token}` }, payload: {} });
      expect(write.statusCode).toBe(200);
      expect(write.json()).toEqual({ by: 'ops' });
    }
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(expectFits(SessionResponse, me.json())).toMatchObject({ user: { username: 'ops' }, csrfToken: null });

    const bad = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token.slice(0, -2)}xx` } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('invalid_token');
    const basic = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic b3BzOnB3' } });
    expect(basic.statusCode).toBe(401);

    const history = await t.store.ledger.list({ target: 'user:ops', limit: 10 });
    expect(history.map((e) => e.action)).toEqual(['user.created', 'user.token_issued']);
    expect(history[1]).toMatchObject({ actor: 'user:root', payload: { username: 'ops', label: 'nightly import' } });
    expect(JSON.stringify(history)).not.toContain(token);
  });

  it('a disabled user cannot sign in, and its sessions and tokens stop working at once', async () => {
    await addUser(t.store, 'system', { username: 'leaver', role: 'secretariat', password: PW });
    const s = await login(app, 'leaver');
    const admin = await login(app, 'root');
    const tok = await app.inject({ method: 'POST', url: '/api/v1/users/leaver/tokens', cookies: { [SESSION_COOKIE]: admin.cookie }, headers: { 'x-csrf-token': admin.csrf } });
    expect(tok.statusCode, tok.body).toBe(201);
    const token = tok.json().token as string;
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);

    const dis = await app.inject({ method: 'POST', url: '/api/v1/users/leaver/disable', cookies: { [SESSION_COOKIE]: admin.cookie }, headers: { 'x-csrf-token': admin.csrf } });
    expect(dis.statusCode).toBe(200);
    expect(expectFits(OneUser, dis.json()).user.disabledAt).toEqual(expect.any(String));

    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { [SESSION_COOKIE]: s.cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leaver', password: PW } });
    expect(again.statusCode).toBe(401);
    const history = await t.store.ledger.list({ target: 'user:leaver', limit: 10 });
    expect(history.map((e) => e.action)).toEqual(['user.created', 'user.token_issued', 'user.disabled']);
  });

  it('logout ends the session (with the CSRF header)', async () => {
    const s = await login(app, 'ana');
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { [SESSION_COOKIE]: s.cookie }, headers: { 'x-csrf-token': s.csrf } });
    expect(out.statusCode).toBe(200);
    expectFits(Ok, out.json());
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { [SESSION_COOKIE]: s.cookie } })).statusCode).toBe(401);
  });

  it('only admin manages users; an observer cannot write; every user change is in the ledger', async () => {
    for (const who of ['ops', 'ana', 'mli']) {
      const s = await login(app, who);
      const h = { cookies: { [SESSION_COOKIE]: s.cookie }, headers: { 'x-csrf-token': s.csrf } };
      expect((await app.inject({ method: 'GET', url: '/api/v1/users', ...h })).statusCode).toBe(403);
      const add = await app.inject({ method: 'POST', url: '/api/v1/users', ...h, payload: { username: 'x1', role: 'admin', password: PW } });
      expect(add.statusCode).toBe(403);
      expect(add.json().error.code).toBe('forbidden');
    }
    const ana = await login(app, 'ana');
    const write = await app.inject({ method: 'POST', url: '/api/v1/test/incidents', cookies: { [SESSION_COOKIE]: ana.cookie }, headers: { 'x-csrf-token': ana.csrf }, payload: {} });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.message).toMatch(/read-only/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);

    const admin = await login(app, 'root');
    const h = { cookies: { [SESSION_COOKIE]: admin.cookie }, headers: { 'x-csrf-token': admin.csrf } };
    const created = await app.inject({ method: 'POST', url: '/api/v1/users', ...h, payload: { username: 'liaison-ner', role: 'liaison', party: 'NER', password: PW } });
    expect(created.statusCode).toBe(201);
    expect(expectFits(OneUser, created.json()).user).toMatchObject({ username: 'liaison-ner', role: 'liaison', party: 'NER', disabledAt: null });
    const dup = await app.inject({ method: 'POST', url: '/api/v1/users', ...h, payload: { username: 'liaison-ner', role: 'observer', password: PW } });
    expect(dup.statusCode).toBe(409);
    const noParty = await app.inject({ method: 'POST', url: '/api/v1/users', ...h, payload: { username: 'l2', role: 'liaison', password: PW } });
    expect(noParty.statusCode).toBe(400);
    expect(noParty.json().error.code).toBe('party_required');
    const badParty = await app.inject({ method: 'POST', url: '/api/v1/users', ...h, payload: { username: 'l2', role: 'liaison', party: 'XXX', password: PW } });
    expect(badParty.json().error.code).toBe('invalid_party');
    const partyForObserver = await app.inject({ method: 'POST', url: '/api/v1/users', ...h, payload: { username: 'l2', role: 'observer', party: 'MLI', password: PW } });
    expect(partyForObserver.json().error.code).toBe('party_not_allowed');
    const weak = await app.inject({ method: 'POST', url: '/api/v1/users', ...h, payload: { username: 'l2', role: 'observer', password: 'short' } });
    expect(weak.json().error.code).toBe('weak_password');
    const missing = await app.inject({ method: 'POST', url: '/api/v1/users/ghost/disable', ...h });
    expect(missing.statusCode).toBe(404);
    const self = await app.inject({ method: 'POST', url: '/api/v1/users/root/disable', ...h });
    expect(self.statusCode).toBe(400);

    const list = await app.inject({ method: 'GET', url: '/api/v1/users', ...h });
    expect(list.statusCode).toBe(200);
    expect(expectFits(UserList, list.json()).users.map((u: { username: string }) => u.username)).toContain('liaison-ner');
    expect(JSON.stringify(list.json())).not.toMatch(/argon2/);
    const [entry] = await t.store.ledger.list({ target: 'user:liaison-ner', limit: 1 });
    expect(entry).toMatchObject({ actor: 'user:root', action: 'user.created', payload: { username: 'liaison-ner', role: 'liaison', party: 'NER' } });
  });

  it('the ledger routes: staff read and verify; others are refused', async () => {
    const ops = await login(app, 'ops');
    const v = await app.inject({ method: 'GET', url: '/api/v1/ledger/verify', cookies: { [SESSION_COOKIE]: ops.cookie } });
    expect(v.statusCode).toBe(200);
    expect(expectFits(LedgerVerification, v.json())).toMatchObject({ ok: true, checked: expect.any(Number) });
    const page = await app.inject({ method: 'GET', url: '/api/v1/ledger?target=user:ops&limit=1', cookies: { [SESSION_COOKIE]: ops.cookie } });
    expect(page.statusCode).toBe(200);
    expectFits(LedgerPage, page.json());
    expect(page.json().entries).toHaveLength(1);
    expect(page.json().next).toBe(page.json().entries[0].seq);
    const badLimit = await app.inject({ method: 'GET', url: '/api/v1/ledger?limit=0', cookies: { [SESSION_COOKIE]: ops.cookie } });
    expect(badLimit.statusCode).toBe(400);
    for (const who of ['ana', 'mli']) {
      const s = await login(app, who);
      expect((await app.inject({ method: 'GET', url: '/api/v1/ledger/verify', cookies: { [SESSION_COOKIE]: s.cookie } })).statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/api/v1/ledger', cookies: { [SESSION_COOKIE]: s.cookie } })).statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/ledger' })).statusCode).toBe(401);
  });

  const signIn = (username: string, password: string, remoteAddress: string, device?: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress, ...(device ? { cookies: { [DEVICE_COOKIE]: device } } : {}) });

  it('holds an account back with growing delays after 5 failures, never locks it; a device that signed in before gets in at once', async () => {
    await addUser(t.store, 'system', { username: 'target', role: 'observer', password: PW });
    const ok = await signIn('target', PW, '10.0.0.50');
    expect(ok.statusCode).toBe(200);
    const device = ok.cookies.find((c) => c.name === DEVICE_COOKIE)!;
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    // A guesser, from many addresses: five failures cost nothing, then each waits longer.
    for (let i = 0; i < 5; i++) expect((await signIn('target', `guess-${i}-guess`, `10.0.1.${i}`)).statusCode).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect((await signIn('target', `more-${i}-guess`, `10.0.2.${i}`)).statusCode).toBe(401);
      const held = await signIn('target', PW, '10.0.3.1');
      expect(held.statusCode).toBe(429);
      expect(held.json().error.code).toBe('rate_limited');
      waits.push(Number(held.headers['retry-after']));
      // The officer's own browser, which signed in before, is not held back.
      const mine = await signIn('target', PW, '10.0.0.50', device.value);
      expect(mine.statusCode).toBe(200);
      now += waits.at(-1)! * 1000;
    }
    expect(waits).toEqual([1, 2, 4, 8]);
    // After the wait, the right password from a new device gets in too (a delay, not a lock), and clears the count.
    expect((await signIn('target', PW, '10.0.3.2')).statusCode).toBe(200);
    expect((await signIn('target', 'wrong-again-x', '10.0.3.3')).statusCode).toBe(401);
    expect((await signIn('target', PW, '10.0.3.4')).statusCode).toBe(200);
  });

  it('does not hold back other accounts of an address where one account was guessed at', async () => {
    await addUser(t.store, 'system', { username: 'officer2', role: 'observer', password: PW });
    for (let i = 0; i < 8; i++) await signIn('ops', `wrong-${i}-password`, '10.9.9.9');
    expect((await signIn('ops', PW, '10.9.9.9')).statusCode).toBe(429);
    expect((await signIn('officer2', PW, '10.9.9.9')).statusCode).toBe(200);
  });

  it('counts failures in the store, so a second server process on it holds the account back too', async () => {
    await addUser(t.store, 'system', { username: 'shared', role: 'observer', password: PW });
    const other = await openStore(t.config); // another pool on the same database, as another process has
    const app2 = await buildApp(other);
    try {
      for (let i = 0; i < 6; i++) expect((await signIn('shared', `wrong-${i}-guess`, `10.5.0.${i}`)).statusCode).toBe(401);
      const held = await app2.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'shared', password: PW }, remoteAddress: '10.5.1.1' });
      expect(held.statusCode).toBe(429);
    } finally {
      await app2.close();
      await other.close();
    }
  });

  it('slows an address that sprays many accounts, past 100 failures', { timeout: 120_000 }, async () => {
    if (dialect !== 'sqlite') return; // the same code on PostgreSQL is covered above; 100 argon2 checks are slow
    for (let i = 0; i < 100; i++) expect((await signIn(`nobody${i}`, 'password-guess', '10.7.7.7')).statusCode).toBe(401);
    expect((await signIn('nobody-else', 'password-guess', '10.7.7.7')).statusCode).toBe(401);
    expect((await signIn('ana', PW, '10.7.7.7')).statusCode).toBe(429);
    expect((await signIn('ana', PW, '10.7.7.8')).statusCode).toBe(200);
  });
});

describe.each(DIALECTS)('bootstrap on %s', (dialect) => {
  it('a fresh store gets one admin with a one-time password that must be changed first', async () => {
    const t = await openTestStore(dialect);
    const app = await buildApp(t.store);
    try {
      const creds = await ensureBootstrapAdmin(t.store);
      expect(creds).toMatchObject({ username: 'admin', role: 'admin', password: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
      expect(await ensureBootstrapAdmin(t.store)).toBeNull();

      const s = await login(app, 'admin', creds!.password);
      const h = { cookies: { [SESSION_COOKIE]: s.cookie }, headers: { 'x-csrf-token': s.csrf } };
      const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', ...h });
      expect(me.json().user.mustChangePassword).toBe(true);
      const blocked = await app.inject({ method: 'GET', url: '/api/v1/users', ...h });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().error.code).toBe('password_change_required');
      // A token does not get round it, on any request.
      const { token } = await issueToken(t.store, 'system', 'admin', 'test');
      for (let i = 0; i < 2; i++) {
        const byToken = await app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${token}` } });
        expect(byToken.statusCode).toBe(403);
        expect(byToken.json().error.code).toBe('password_change_required');
      }

      const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/password', ...h, payload: { currentPassword: 'not-it-at-all', newPassword: 'a new long password' } });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.code).toBe('wrong_password');
      const changed = await app.inject({ method: 'POST', url: '/api/v1/auth/password', ...h, payload: { currentPassword: creds!.password, newPassword: 'a new long password' } });
      expect(changed.statusCode).toBe(200);
    expectFits(Ok, changed.json());
      expect((await app.inject({ method: 'GET', url: '/api/v1/users', ...h })).statusCode).toBe(200);
      expect((await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: creds!.password } })).statusCode).toBe(401);
      await login(app, 'admin', 'a new long password');
      const actions = (await t.store.ledger.list({ target: 'user:admin', limit: 10 })).map((e) => [e.actor, e.action]);
      expect(actions).toEqual([['system', 'user.created'], ['system', 'user.token_issued'], ['user:admin', 'user.password_changed']]);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });

  it('demo mode creates one liaison per AES party, a secretariat, an observer and an admin', async () => {
    const t = await openTestStore(dialect);
    const app = await buildApp(t.store);
    try {
      const created = await ensureDemoAccounts(t.store);
      expect(created.map((c) => c.username).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.username).sort());
      expect(await ensureDemoAccounts(t.store)).toEqual([]);
      const users = await t.store.accounts.listUsers();
      expect(users.filter((u) => u.role === 'liaison').map((u) => u.party).sort()).toEqual(['BFA', 'MLI', 'NER']);
      const s = await login(app, 'liaison-bfa', DEMO_PASSWORD);
      const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { [SESSION_COOKIE]: s.cookie } });
      expect(me.json().user).toEqual({ username: 'liaison-bfa', role: 'liaison', party: 'BFA', mustChangePassword: false });
      expect(await t.store.ledger.verify()).toMatchObject({ ok: true, checked: DEMO_ACCOUNTS.length });
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});
