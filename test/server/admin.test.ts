import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../src/store/testing.ts';
import { LedgerPage, LedgerVerification } from '../../src/server/routes/ledger.ts';
import { IssuedToken, OneUser, TokenList, UserList } from '../../src/server/routes/users.ts';
import { expectFits } from './fits.ts';
import { sampleIncident, startTestServer, type TestServer } from './helpers.ts';

/** What the admin screens use: accounts, tokens, password reset, the ledger and a record's history — on both stores. */

const NEW_PW = 'sahel-river-lantern-42';

describe.each(DIALECTS)('administration API on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function signIn(username: string, password: string) {
    return s.api('POST', '/api/v1/auth/login', { as: null, json: { username, password } });
  }

  it('creates a liaison with its party, who then signs in and must change the one-time password', async () => {
    const made = await s.api('POST', '/api/v1/users', { as: 'admin', json: { username: 'liaison-niamey', role: 'liaison', party: 'ner', password: NEW_PW, mustChangePassword: true } });
    expect(made.status, made.text).toBe(201);
    expect(expectFits(OneUser, made.body).user).toMatchObject({ username: 'liaison-niamey', role: 'liaison', party: 'NER', mustChangePassword: true, disabledAt: null });
    const list = expectFits(UserList, (await s.api('GET', '/api/v1/users', { as: 'admin' })).body);
    expect(list.users.map((u) => u.username)).toContain('liaison-niamey');
    const login = await signIn('liaison-niamey', NEW_PW);
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ role: 'liaison', party: 'NER', mustChangePassword: true });
  });

  it('refuses passwords per OWASP ASVS: short in code points, only spaces, common, or the username', async () => {
    const add = (username: string, password: string) => s.api('POST', '/api/v1/users', { as: 'admin', json: { username, role: 'observer', password } });
    // Nine code points but eighteen UTF-16 units: too short.
    expect((await add('emoji', '😀'.repeat(9))).body.error.code).toBe('weak_password');
    expect((await add('emoji', '😀'.repeat(10))).status).toBe(201);
    expect((await add('spaces', ' '.repeat(10))).body.error.code).toBe('weak_password');
    for (const common of ['password12', 'qwertyuiop', '1234567890', 'Password123']) {
      const r = await add('common', common);
      expect(r.status, common).toBe(400);
      expect(r.body.error.code, common).toBe('common_password');
    }
    expect((await add('moussa-k', 'moussa-k-2024!')).body.error.code).toBe('password_has_username');
    expect((await add('moussa-k', 'Moussa-K')).body.error.code).not.toBe(undefined);
  });

  it('issues tokens with an expiry, lists them without the secret, and revokes one at once', async () => {
    const a = expectFits(IssuedToken, (await s.api('POST', '/api/v1/users/liaison-niamey/tokens', { as: 'admin', json: { label: 'sync', expiresInDays: 7 } })).body);
    const b = expectFits(IssuedToken, (await s.api('POST', '/api/v1/users/liaison-niamey/tokens', { as: 'admin', json: null })).body);
    const days = (t: string) => Math.round((Date.parse(t) - Date.now()) / 86_400_000);
    expect(days(a.tokenInfo.expiresAt)).toBe(7);
    expect(days(b.tokenInfo.expiresAt)).toBe(90);
    const bearer = (token: string) => fetch(`${s.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await bearer(a.token)).status).toBe(200);

    const revoked = await s.api('POST', `/api/v1/users/liaison-niamey/tokens/${a.tokenInfo.id}/revoke`, { as: 'admin' });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.token.revokedAt).toEqual(expect.any(String));
    expect((await bearer(a.token)).status).toBe(401);
    expect((await bearer(b.token)).status).toBe(200);

    const list = expectFits(TokenList, (await s.api('GET', '/api/v1/users/liaison-niamey/tokens', { as: 'admin' })).body);
    expect(list.tokens.map((t) => [t.label, t.revokedAt === null])).toEqual([['sync', false], [null, true]]);
    expect(JSON.stringify(list)).not.toContain(b.token);

    expect((await s.api('POST', `/api/v1/users/liaison-niamey/tokens/999999/revoke`, { as: 'admin' })).status).toBe(404);
    expect((await s.api('POST', `/api/v1/users/analyst/tokens/${b.tokenInfo.id}/revoke`, { as: 'admin' })).status).toBe(404);
    expect((await s.api('POST', '/api/v1/users/liaison-niamey/tokens', { as: 'admin', json: { expiresInDays: 0 } })).status).toBe(400);
  });

  it('an expired token signs no one in', async () => {
    const { tokenInfo, token } = (await s.api('POST', '/api/v1/users/analyst/tokens', { as: 'admin', json: { expiresInDays: 1 } })).body;
    expect(await s.store.accounts.findToken((await import('../../src/accounts/secrets.ts')).sha256Hex(token), new Date(Date.parse(tokenInfo.expiresAt) + 1).toISOString())).toBeNull();
  });

  it('a password reset ends the user’s sessions and tokens; the user must choose a new one', async () => {
    const { token } = (await s.api('POST', '/api/v1/users/liaison-niamey/tokens', { as: 'admin', json: { label: 'before reset' } })).body;
    const session = await signIn('liaison-niamey', NEW_PW);
    const cookie = session.headers.getSetCookie().find((c) => c.startsWith('foedus_session='))!.split(';')[0]!;
    expect((await fetch(`${s.url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);

    expect((await s.api('POST', '/api/v1/users/liaison-niamey/password', { as: 'admin', json: { password: 'password12' } })).body.error.code).toBe('common_password');
    const reset = await s.api('POST', '/api/v1/users/liaison-niamey/password', { as: 'admin', json: { password: 'dune-caravan-ledger-7' } });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body.user.mustChangePassword).toBe(true);
    expect((await fetch(`${s.url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${s.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await signIn('liaison-niamey', NEW_PW)).status).toBe(401);
    expect((await signIn('liaison-niamey', 'dune-caravan-ledger-7')).status).toBe(200);
    expect((await s.api('POST', '/api/v1/users/nobody/password', { as: 'admin', json: { password: 'dune-caravan-ledger-7' } })).status).toBe(404);
  });

  it('changing one’s own password revokes one’s API tokens', async () => {
    await s.api('POST', '/api/v1/users', { as: 'admin', json: { username: 'rotating', role: 'observer', password: NEW_PW } });
    const { token } = (await s.api('POST', '/api/v1/users/rotating/tokens', { as: 'admin' })).body;
    const login = await signIn('rotating', NEW_PW);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('foedus_session='))!.split(';')[0]!;
    const changed = await fetch(`${s.url}/api/v1/auth/password`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': login.body.csrfToken },
      body: JSON.stringify({ currentPassword: NEW_PW, newPassword: 'harmattan-wind-2025' }),
    });
    expect(changed.status, await changed.text()).toBe(200);
    expect((await fetch(`${s.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${s.url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('disabling a user ends its open live-feed stream at once', async () => {
    await s.api('POST', '/api/v1/users', { as: 'admin', json: { username: 'leaver', role: 'observer', password: NEW_PW } });
    const { token } = (await s.api('POST', '/api/v1/users/leaver/tokens', { as: 'admin' })).body;
    const stream = await fetch(`${s.url}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const text = new TextDecoder();
    let got = text.decode((await reader.read()).value);
    expect(got).toContain(': connected');
    expect((await s.api('POST', '/api/v1/users/leaver/disable', { as: 'admin' })).status).toBe(200);
    const started = Date.now();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      got += text.decode(r.value);
    }
    expect(got).toContain('event: signed-out');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('account routes are the admin’s alone', async () => {
    for (const who of ['secretariat', 'observer', 'liaisonMli'] as const) {
      expect((await s.api('GET', '/api/v1/users', { as: who })).status).toBe(403);
      expect((await s.api('GET', '/api/v1/users/analyst/tokens', { as: who })).status).toBe(403);
      expect((await s.api('POST', '/api/v1/users/analyst/password', { as: who, json: { password: 'dune-caravan-ledger-7' } })).status).toBe(403);
      expect((await s.api('POST', '/api/v1/users/analyst/tokens/1/revoke', { as: who })).status).toBe(403);
    }
  });

  it('verifies the ledger and gives a record’s history with old → new; observers and liaisons see no actors nor values', async () => {
    const v = expectFits(LedgerVerification, (await s.api('GET', '/api/v1/ledger/verify', { as: 'admin' })).body);
    expect(v.ok).toBe(true);
    expect(v.head!.seq).toBe(v.checked);

    const created = (await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident() } })).body;
    const edited = await s.api('PATCH', `/api/v1/incidents/${created.id}`, { json: { version: created.version, notes: 'Confirmed by the governor', placeName: 'Ménaka' } });
    expect(edited.status, edited.text).toBe(200);

    const page = expectFits(LedgerPage, (await s.api('GET', `/api/v1/ledger?target=incident:${created.id}`, { as: 'admin' })).body);
    expect(page.entries.map((e) => e.action)).toEqual(['incident.create', 'incident.update']);
    expect(page.entries[1]!.changes).toEqual(expect.arrayContaining([{ field: 'notes', from: null, to: 'Confirmed by the governor' }, { field: 'placeName', from: null, to: 'Ménaka' }]));
    expect(page.entries[0]!.changes).toContainEqual({ field: 'incident.fatalities', from: null, to: 12 });

    const staff = (await s.api('GET', `/api/v1/incidents/${created.id}/history`, { as: 'secretariat' })).body.entries;
    expect(staff[1].actor).toBe(`user:${s.usernames.secretariat}`);
    expect(staff[1].payload).toBeTruthy();
    for (const who of ['observer', 'liaisonMli'] as const) {
      expect((await s.api('GET', `/api/v1/ledger?target=incident:${created.id}`, { as: who })).status).toBe(403);
      const h = await s.api('GET', `/api/v1/incidents/${created.id}/history`, { as: who });
      expect(h.status).toBe(200);
      expect(h.body.entries.map((e: { action: string }) => e.action)).toEqual(['incident.create', 'incident.update']);
      expect(h.text).not.toContain(s.usernames.secretariat);
      expect(h.text).not.toContain('Confirmed by the governor');
      expect(h.body.entries[1].changes).toEqual(expect.arrayContaining([{ field: 'notes' }]));
    }

    const userHistory = expectFits(LedgerPage, (await s.api('GET', '/api/v1/ledger?target=user:liaison-niamey', { as: 'admin' })).body);
    expect(userHistory.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'user.token_issued', 'user.token_revoked', 'user.password_reset']));
    expect(JSON.stringify(userHistory)).not.toMatch(/fdt_/);
  });
});
