import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * Who is asking is decided before what is asked is read: an anonymous caller gets 401 and a
 * role the policy never lets in gets 403 before any body or query is validated, so neither
 * learns the API's schemas from a 400 (issue 18, found by a hostile test).
 */
describe('authentication and the role check come before validation', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => s?.close());

  const bad = { incident: { kind: 'nonsense' }, extra: 1 };

  it('refuses an anonymous caller with 401 whatever it sends, without describing the schema', async () => {
    for (const [method, path, json] of [
      ['POST', '/api/v1/incidents', bad],
      ['PATCH', '/api/v1/incidents/x', bad],
      ['POST', '/api/v1/cases/1/steps', { version: 'x' }],
      ['GET', '/api/v1/incidents?bbox=nonsense', undefined],
      ['GET', '/api/v1/no-such-route', undefined],
    ] as const) {
      const r = await s.api(method, path, { as: null, ...(json ? { json } : {}) });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.text).not.toMatch(/kind|bbox|version/);
    }
    // The doors that must stay open.
    expect((await s.api('POST', '/api/v1/auth/login', { as: null, json: { username: 'x', password: 'y' } })).status).toBe(401);
    expect((await s.api('GET', '/api/v1/openapi.json', { as: null })).status).toBe(200);
    expect((await s.api('GET', '/readyz', { as: null })).status).toBe(200);
  });

  it('refuses a role the policy never lets in with 403 before reading its malformed body', async () => {
    expect((await s.api('PATCH', '/api/v1/incidents/x', { as: 'observer', json: bad })).status).toBe(403);
    expect((await s.api('POST', '/api/v1/incidents', { as: 'liaisonMli', json: bad })).status).toBe(403);
    expect((await s.api('POST', '/api/v1/cases/1/steps', { as: 'observer', json: { version: 'x' } })).status).toBe(403);
    expect((await s.api('POST', '/api/v1/cases/1/steps', { as: 'admin', json: { version: 'x' } })).status).toBe(403);
    expect((await s.api('POST', '/api/v1/users', { as: 'secretariat', json: { username: 1 } })).status).toBe(403);
    expect((await s.api('POST', '/api/v1/cases/1/notes', { as: 'observer', json: {} })).status).toBe(403);
    // A role that may: the body is read and its fault named.
    const r = await s.api('POST', '/api/v1/incidents', { as: 'secretariat', json: bad });
    expect(r.status).toBe(400);
    expect((await s.api('POST', '/api/v1/cases/1/steps', { as: 'liaisonMli', json: { version: 'x' } })).status).toBe(400);
  });
});
