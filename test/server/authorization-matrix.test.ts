/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely here */
import { createPrivateKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { newKeyPair } from '../../src/ledger/checkpoint.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { POLICY } from '../../src/server/policy.ts';
import type { Dialect } from '../../src/store/database.ts';
import { PASSWORD, sampleIncident, startTestServer, type TestServer, type Who } from './helpers.ts';

/**
 * Who may call which route, over HTTP: every route of the OpenAPI document the server
 * serves × admin, secretariat, a liaison of the party concerned, a liaison of another
 * party, observer and anonymous, against the table below. The table is written by hand
 * from the issue's rules, NOT read from src/server/policy.ts: a change to the policy that
 * opens a door (or closes one) fails here. Case steps are the exception: their own matrix,
 * step type × role × party, is test/server/cases-denials.test.ts.
 *
 * An allowed call must succeed (2xx): a request the policy lets through but that failed
 * validation would prove nothing, so every request is a valid one, with its own fresh
 * target where the call changes something (a user to disable, a webhook to test...).
 * A denied call must answer 401 (anonymous) or 403 `forbidden`, and change nothing.
 */

type Caller = 'admin' | 'secretariat' | 'liaisonOwn' | 'liaisonOther' | 'observer' | 'anonymous';
const CALLERS: Caller[] = ['admin', 'secretariat', 'liaisonOwn', 'liaisonOther', 'observer', 'anonymous'];
/** The party every request concerns is Mali (MLI): liaisonOwn is Mali's liaison, liaisonOther Burkina Faso's. */
const AS: Record<Caller, Who | null> = { admin: 'admin', secretariat: 'secretariat', liaisonOwn: 'liaisonMli', liaisonOther: 'liaisonBfa', observer: 'observer', anonymous: null };
const ROLE_OF: Record<Exclude<Caller, 'anonymous'>, { role: string; party: string | null }> = {
  admin: { role: 'admin', party: null },
  secretariat: { role: 'secretariat', party: null },
  liaisonOwn: { role: 'liaison', party: 'MLI' },
  liaisonOther: { role: 'liaison', party: 'BFA' },
  observer: { role: 'observer', party: null },
};

type Kind = keyof typeof POLICY;
type PolicyAction = 'read' | 'run' | 'verify' | 'create' | 'update' | 'delete' | 'acknowledge' | 'decide';
/** Who may: each role, a liaison either for any party (true) or only for its own ('own'). */
interface May {
  admin: boolean;
  secretariat: boolean;
  liaison: boolean | 'own';
  observer: boolean;
  anonymous: boolean;
}
const NOBODY: May = { admin: false, secretariat: false, liaison: false, observer: false, anonymous: false };
const PUBLIC: May = { admin: true, secretariat: true, liaison: true, observer: true, anonymous: true };
const SIGNED_IN: May = { ...PUBLIC, anonymous: false };
const STAFF: May = { ...NOBODY, admin: true, secretariat: true };
const ADMIN: May = { ...NOBODY, admin: true };
const SECRETARIAT: May = { ...NOBODY, secretariat: true };

/** The world a request is built in: ids made before the matrix runs, and a way to make fresh ones. */
interface World {
  s: TestServer;
  incidentId: string;
  caseId: number;
  importId: string;
  hookUrl: string;
  /** A fresh account (and its bearer token) of the caller's role, for calls that change the caller itself. */
  account(caller: Caller): Promise<{ username: string; token: string | null }>;
  /** A fresh observer account to act upon. */
  target(): Promise<string>;
  webhook(): Promise<number>;
  incident(): Promise<{ id: string; version: number }>;
}
interface Req {
  path: string;
  json?: unknown;
  body?: BodyInit;
  /** Call with this token instead of the caller's usual one (null: anonymous). */
  token?: string | null;
  /** A live stream: read the status, then hang up. */
  stream?: true;
}
interface Route {
  may: May;
  /** The policy's (action, resource) that decides who may call it; null for routes outside the policy (public, or about the caller itself). */
  policy: [PolicyAction, Kind] | null;
  req(w: World, caller: Caller): Promise<Req> | Req;
}

const fileForm = () => {
  const form = new FormData();
  form.append('format', 'incident');
  form.append('file', new Blob([JSON.stringify([sampleIncident({ date: '2024-05-01' })])], { type: 'application/json' }), 'one.json');
  return form;
};

/** THE table: every route of the API, keyed as "METHOD /path" in the OpenAPI document. */
const ROUTES: Record<string, Route> = {
  'GET /healthz': { may: PUBLIC, policy: null, req: () => ({ path: '/healthz' }) },
  'GET /readyz': { may: PUBLIC, policy: null, req: () => ({ path: '/readyz' }) },
  // Signing in is open to anyone; the rest of /auth is about the caller itself.
  'POST /api/v1/auth/login': { may: PUBLIC, policy: null, req: () => ({ path: '/api/v1/auth/login', json: { username: 'analyst', password: PASSWORD } }) },
  'POST /api/v1/auth/logout': { may: SIGNED_IN, policy: null, req: async (w, c) => ({ path: '/api/v1/auth/logout', token: (await w.account(c)).token }) },
  'GET /api/v1/auth/me': { may: SIGNED_IN, policy: null, req: () => ({ path: '/api/v1/auth/me' }) },
  'POST /api/v1/auth/password': {
    may: SIGNED_IN,
    policy: null,
    req: async (w, c) => ({ path: '/api/v1/auth/password', token: (await w.account(c)).token, json: { currentPassword: PASSWORD, newPassword: 'dune-caravan-ledger-7' } }),
  },
  // Accounts and webhooks: admin only.
  'GET /api/v1/users': { may: ADMIN, policy: ['read', 'user'], req: () => ({ path: '/api/v1/users' }) },
  'POST /api/v1/users': { may: ADMIN, policy: ['create', 'user'], req: (_w, c) => ({ path: '/api/v1/users', json: { username: `new-${c}-${Math.random().toString(36).slice(2, 8)}`, role: 'observer', password: 'dune-caravan-ledger-7' } }) },
  'POST /api/v1/users/{username}/disable': { may: ADMIN, policy: ['update', 'user'], req: async (w) => ({ path: `/api/v1/users/${await w.target()}/disable` }) },
  'POST /api/v1/users/{username}/password': { may: ADMIN, policy: ['update', 'user'], req: async (w) => ({ path: `/api/v1/users/${await w.target()}/password`, json: { password: 'dune-caravan-ledger-7' } }) },
  'GET /api/v1/users/{username}/tokens': { may: ADMIN, policy: ['read', 'user'], req: async (w) => ({ path: `/api/v1/users/${await w.target()}/tokens` }) },
  'POST /api/v1/users/{username}/tokens': { may: ADMIN, policy: ['update', 'user'], req: async (w) => ({ path: `/api/v1/users/${await w.target()}/tokens`, json: { label: 'sync' } }) },
  'POST /api/v1/users/{username}/tokens/{id}/revoke': {
    may: ADMIN,
    policy: ['update', 'user'],
    req: async (w) => {
      const name = await w.target();
      const { record } = await issueToken(w.s.store, 'test', name);
      return { path: `/api/v1/users/${name}/tokens/${record.id}/revoke` };
    },
  },
  'GET /api/v1/webhooks': { may: ADMIN, policy: ['read', 'webhook'], req: () => ({ path: '/api/v1/webhooks' }) },
  'POST /api/v1/webhooks': { may: ADMIN, policy: ['create', 'webhook'], req: (w) => ({ path: '/api/v1/webhooks', json: { url: w.hookUrl, events: ['*'] } }) },
  'POST /api/v1/webhooks/{id}/disable': { may: ADMIN, policy: ['update', 'webhook'], req: async (w) => ({ path: `/api/v1/webhooks/${await w.webhook()}/disable` }) },
  'POST /api/v1/webhooks/{id}/test': { may: ADMIN, policy: ['update', 'webhook'], req: async (w) => ({ path: `/api/v1/webhooks/${await w.webhook()}/test` }) },
  'GET /api/v1/webhooks/{id}/deliveries': { may: ADMIN, policy: ['read', 'webhook'], req: async (w) => ({ path: `/api/v1/webhooks/${await w.webhook()}/deliveries` }) },
  // The ledger: staff only.
  'GET /api/v1/ledger': { may: STAFF, policy: ['read', 'ledger'], req: () => ({ path: '/api/v1/ledger' }) },
  'GET /api/v1/ledger/verify': { may: STAFF, policy: ['verify', 'ledger'], req: () => ({ path: '/api/v1/ledger/verify' }) },
  // Signed checkpoints of the ledger (a count and a hash): every party may take one, keep it, check it later.
  'GET /api/v1/ledger/checkpoint': { may: SIGNED_IN, policy: ['read', 'checkpoint'], req: () => ({ path: '/api/v1/ledger/checkpoint' }) },
  'GET /api/v1/ledger/checkpoints': { may: SIGNED_IN, policy: ['read', 'checkpoint'], req: () => ({ path: '/api/v1/ledger/checkpoints' }) },
  'GET /api/v1/ledger/public-key': { may: SIGNED_IN, policy: ['read', 'checkpoint'], req: () => ({ path: '/api/v1/ledger/public-key' }) },
  'POST /api/v1/ledger/checkpoints/check': { may: SIGNED_IN, policy: ['verify', 'checkpoint'], req: () => ({ path: '/api/v1/ledger/checkpoints/check', json: { checkpoint: { format: 'foedus-ledger-checkpoint/1' } } }) },
  // Charters, assessments, places: anyone signed in.
  'GET /api/v1/charters': { may: SIGNED_IN, policy: ['read', 'charter'], req: () => ({ path: '/api/v1/charters' }) },
  'GET /api/v1/charters/{id}': { may: SIGNED_IN, policy: ['read', 'charter'], req: () => ({ path: '/api/v1/charters/aes-2023' }) },
  'POST /api/v1/assess': { may: SIGNED_IN, policy: ['run', 'assessment'], req: () => ({ path: '/api/v1/assess', json: { incident: sampleIncident() } }) },
  'GET /api/v1/places': { may: SIGNED_IN, policy: ['read', 'charter'], req: () => ({ path: '/api/v1/places?bbox=-12,8,16,25&zoom=3' }) },
  'GET /api/v1/places/search': { may: SIGNED_IN, policy: ['read', 'charter'], req: () => ({ path: '/api/v1/places/search?q=Menaka' }) },
  // Incidents: everyone signed in reads; only the secretariat records, whichever party they concern.
  'GET /api/v1/incidents/export': { may: SIGNED_IN, policy: ['read', 'incident'], req: () => ({ path: '/api/v1/incidents/export?format=csv' }) },
  'GET /api/v1/incidents': { may: SIGNED_IN, policy: ['read', 'incident'], req: () => ({ path: '/api/v1/incidents' }) },
  'POST /api/v1/incidents': { may: SECRETARIAT, policy: ['create', 'incident'], req: () => ({ path: '/api/v1/incidents', json: { incident: sampleIncident({ location: { lat: 15.92, lon: 2.4, country: 'MLI' } }) } }) },
  'GET /api/v1/incidents/count': { may: SIGNED_IN, policy: ['read', 'incident'], req: () => ({ path: '/api/v1/incidents/count' }) },
  'GET /api/v1/incidents/timeline': { may: SIGNED_IN, policy: ['read', 'incident'], req: () => ({ path: '/api/v1/incidents/timeline?interval=month' }) },
  'GET /api/v1/incidents/by-area': { may: SIGNED_IN, policy: ['read', 'incident'], req: () => ({ path: '/api/v1/incidents/by-area?level=country' }) },
  'GET /api/v1/incidents/clusters': { may: SIGNED_IN, policy: ['read', 'incident'], req: () => ({ path: '/api/v1/incidents/clusters?zoom=3' }) },
  'GET /api/v1/incidents/{id}': { may: SIGNED_IN, policy: ['read', 'incident'], req: (w) => ({ path: `/api/v1/incidents/${encodeURIComponent(w.incidentId)}` }) },
  'PATCH /api/v1/incidents/{id}': {
    may: SECRETARIAT,
    policy: ['update', 'incident'],
    req: async (w) => {
      const { id, version } = await w.incident();
      return { path: `/api/v1/incidents/${encodeURIComponent(id)}`, json: { version, notes: 'Confirmed by the governor' } };
    },
  },
  'GET /api/v1/incidents/{id}/history': { may: SIGNED_IN, policy: ['read', 'incident'], req: (w) => ({ path: `/api/v1/incidents/${encodeURIComponent(w.incidentId)}/history` }) },
  'POST /api/v1/imports': { may: SECRETARIAT, policy: ['create', 'import'], req: () => ({ path: '/api/v1/imports', body: fileForm() }) },
  'GET /api/v1/imports/{id}': { may: SIGNED_IN, policy: ['read', 'import'], req: (w) => ({ path: `/api/v1/imports/${w.importId}` }) },
  // Cases: all parties follow them; the secretariat opens them. Steps: see cases-denials.test.ts.
  'GET /api/v1/cases': { may: SIGNED_IN, policy: ['read', 'case'], req: () => ({ path: '/api/v1/cases' }) },
  'POST /api/v1/cases': {
    may: SECRETARIAT,
    policy: ['create', 'case'],
    req: (w) => ({ path: '/api/v1/cases', json: { incidentId: w.incidentId, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Mali' } }),
  },
  'GET /api/v1/cases/{id}': { may: SIGNED_IN, policy: ['read', 'case'], req: (w) => ({ path: `/api/v1/cases/${w.caseId}` }) },
  'GET /api/v1/cases/{id}/notes': { may: SIGNED_IN, policy: ['read', 'note'], req: (w) => ({ path: `/api/v1/cases/${w.caseId}/notes` }) },
  // A note restricted to Mali: Mali's liaison or the secretariat may write it; admins run the system, not cases.
  'POST /api/v1/cases/{id}/notes': {
    may: { ...NOBODY, secretariat: true, liaison: 'own' },
    policy: ['create', 'note.restricted'],
    req: (w) => ({ path: `/api/v1/cases/${w.caseId}/notes`, json: { text: 'Convoy route through Gao', restricted: true, party: 'MLI' } }),
  },
  'GET /api/v1/cases/{id}/compliance': { may: SIGNED_IN, policy: ['read', 'case'], req: (w) => ({ path: `/api/v1/cases/${w.caseId}/compliance` }) },
  'GET /api/v1/compliance': { may: SIGNED_IN, policy: ['read', 'case'], req: () => ({ path: '/api/v1/compliance?party=MLI&from=2024-01-01&to=2026-12-31' }) },
  'GET /api/v1/inbox': { may: SIGNED_IN, policy: ['read', 'case'], req: () => ({ path: '/api/v1/inbox' }) },
  'GET /api/v1/cases/{id}/export': { may: SIGNED_IN, policy: ['read', 'case'], req: (w) => ({ path: `/api/v1/cases/${w.caseId}/export?format=json` }) },
  'GET /api/v1/cases/{id}/cap.xml': { may: SIGNED_IN, policy: ['read', 'case'], req: (w) => ({ path: `/api/v1/cases/${w.caseId}/cap.xml` }) },
  'GET /api/v1/cap.atom': { may: SIGNED_IN, policy: ['read', 'case'], req: () => ({ path: '/api/v1/cap.atom' }) },
  'GET /api/v1/events': { may: SIGNED_IN, policy: ['read', 'feed'], req: () => ({ path: '/api/v1/events', stream: true }) },
};

/** Case steps: one route, whose matrix (step × role × party) is test/server/cases-denials.test.ts. */
const STEP_ROUTE = 'POST /api/v1/cases/{id}/steps';
const STEP_PAIRS: Array<[PolicyAction, Kind]> = [
  ['decide', 'case'],
  ['create', 'position'],
  ['acknowledge', 'obligation'],
  ['update', 'obligation'],
  ['create', 'request'],
  ['update', 'request'],
  ['create', 'pledge'],
  ['update', 'pledge'],
  ['decide', 'pledge'],
  ['create', 'deployment'],
  ['update', 'deployment'],
];
/**
 * Rules of the table that no route asks about today (a case's positions, obligations, requests,
 * pledges and deployments are read with the case; who may read a restricted note is checked
 * note by note below). Reviewed: each must be listed here or above, so a new rule cannot slip in.
 */
const NO_ROUTE: Array<[PolicyAction, Kind]> = [
  ['read', 'assessment'],
  ['update', 'case'],
  ['read', 'position'],
  ['read', 'obligation'],
  ['create', 'obligation'],
  ['read', 'request'],
  ['read', 'pledge'],
  ['read', 'deployment'],
  ['create', 'note'],
  ['read', 'note.restricted'],
];

function allowed(may: May, caller: Caller): boolean {
  switch (caller) {
    case 'liaisonOwn':
      return may.liaison !== false;
    case 'liaisonOther':
      return may.liaison === true;
    default:
      return may[caller];
  }
}

/** What the table says the policy grants, in the policy's own shape. */
function grantsOf(may: May): Record<string, 'all' | 'own'> {
  const g: Record<string, 'all' | 'own'> = {};
  for (const role of ['admin', 'secretariat', 'observer'] as const) if (may[role]) g[role] = 'all';
  if (may.liaison) g.liaison = may.liaison === 'own' ? 'own' : 'all';
  return g;
}

async function listen(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook` };
}

function matrix(dialect: Dialect): void {
  describe(`who may call which route (${dialect})`, () => {
    let s: TestServer;
    let hook: { server: Server; url: string };
    let w: World;
    let documented: string[] = [];
    let serial = 0;

    async function call(caller: Caller, method: string, r: Req): Promise<{ status: number; body: any }> {
      const token = r.token !== undefined ? r.token : AS[caller] ? s.tokens[AS[caller]!] : null;
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let body: BodyInit | undefined = r.body;
      if (r.json !== undefined) {
        body = JSON.stringify(r.json);
        headers['content-type'] = 'application/json';
      }
      const ac = new AbortController();
      const res = await fetch(s.url + r.path, { method, headers, signal: ac.signal, ...(body !== undefined ? { body } : {}) });
      if (r.stream && res.ok) {
        ac.abort();
        return { status: res.status, body: null };
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    }

    beforeAll(async () => {
      s = await startTestServer(dialect, { checkpointKey: createPrivateKey(newKeyPair().privateKey), checkpointIntervalMinutes: 0 });
      hook = await listen();
      const inc = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '2026-03-01', location: { lat: 15.92, lon: 2.4, country: 'MLI' } }) } });
      expect(inc.status, inc.text).toBe(201);
      const opened = await s.api('POST', '/api/v1/cases', { json: { incidentId: inc.body.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Mali' } });
      expect(opened.status, opened.text).toBe(201);
      const imported = await s.api('POST', '/api/v1/imports', { body: fileForm() });
      expect(imported.status, imported.text).toBe(202);
      await s.app.foedus.jobs.idle();
      w = {
        s,
        incidentId: inc.body.id,
        caseId: opened.body.case.id,
        importId: imported.body.job.id,
        hookUrl: hook.url,
        account: async (caller) => {
          if (caller === 'anonymous') return { username: '', token: null };
          const username = `m-${caller.toLowerCase()}-${++serial}`;
          await addUser(s.store, 'test', { username, ...ROLE_OF[caller], password: PASSWORD } as never);
          return { username, token: (await issueToken(s.store, 'test', username)).token };
        },
        target: async () => {
          const username = `target-${++serial}`;
          await addUser(s.store, 'test', { username, role: 'observer', party: null, password: PASSWORD });
          return username;
        },
        webhook: async () => {
          const r = await s.api('POST', '/api/v1/webhooks', { as: 'admin', json: { url: hook.url, events: ['*'] } });
          expect(r.status, r.text).toBe(201);
          return r.body.webhook.id;
        },
        incident: async () => {
          const r = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ location: { lat: 15.92, lon: 2.4, country: 'MLI' }, fatalities: ++serial }) } });
          expect(r.status, r.text).toBe(201);
          return { id: r.body.id, version: r.body.version };
        },
      };
      const doc = await s.api('GET', '/api/v1/openapi.json', { as: null });
      expect(doc.status).toBe(200);
      documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).filter((m) => m !== 'parameters').map((m) => `${m.toUpperCase()} ${path}`),
      );
    });
    afterAll(async () => {
      await s?.close();
      await new Promise((r) => hook?.server.close(r));
    });

    it('the table names every route the server documents, and no other', () => {
      expect(documented.length).toBeGreaterThan(40);
      expect([...Object.keys(ROUTES), STEP_ROUTE].sort()).toEqual([...documented].sort());
    });

    it('allows exactly what the table allows, for every route × caller', async () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const [key, route] of Object.entries(ROUTES)) {
        const [method] = key.split(' ') as [string];
        for (const caller of CALLERS) {
          const r = await route.req(w, caller);
          const expectAllowed = allowed(route.may, caller);
          await s.app.foedus.jobs.idle(); // an allowed import before this one writes in the background
          const before = expectAllowed ? null : (await s.store.ledger.head())?.seq ?? 0;
          const res = await call(caller, method, r);
          checked++;
          const denied = res.status === 401 || res.status === 403;
          const line = `${key} as ${caller}: ${res.status} ${JSON.stringify(res.body)?.slice(0, 160)}`;
          if (expectAllowed) {
            if (res.status < 200 || res.status > 299) wrong.push(`expected allowed (2xx) — ${line}`);
          } else if (!denied) {
            wrong.push(`expected denied — ${line}`);
          } else {
            const code = caller === 'anonymous' ? 'unauthenticated' : 'forbidden';
            const status = caller === 'anonymous' ? 401 : 403;
            if (res.status !== status || res.body?.error?.code !== code) wrong.push(`expected ${status} ${code} — ${line}`);
            if (before !== null && ((await s.store.ledger.head())?.seq ?? 0) !== before) wrong.push(`a denied call wrote to the ledger — ${line}`);
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBe(Object.keys(ROUTES).length * CALLERS.length);
    });

    it('shows a restricted note to its party\'s liaison, the secretariat and admins only, in the list and the export', async () => {
      const posted = await s.api('POST', `/api/v1/cases/${w.caseId}/notes`, { as: 'liaisonMli', json: { text: 'Only for Mali', restricted: true } });
      expect(posted.status, posted.text).toBe(201);
      const sees: Record<Caller, boolean> = { admin: true, secretariat: true, liaisonOwn: true, liaisonOther: false, observer: false, anonymous: false };
      for (const caller of CALLERS.filter((c) => c !== 'anonymous')) {
        const list = await call(caller, 'GET', { path: `/api/v1/cases/${w.caseId}/notes` });
        expect(list.body.notes.some((n: any) => n.id === posted.body.note.id), `${caller} list`).toBe(sees[caller]);
        const exported = await call(caller, 'GET', { path: `/api/v1/cases/${w.caseId}/export?format=json` });
        expect(JSON.stringify(exported.body).includes('Only for Mali'), `${caller} export`).toBe(sees[caller]);
      }
    });

    it('gives who changed a record, and the values, to staff only (the ledger read rule)', async () => {
      const staff: Record<Caller, boolean> = { admin: true, secretariat: true, liaisonOwn: false, liaisonOther: false, observer: false, anonymous: false };
      for (const caller of CALLERS.filter((c) => c !== 'anonymous')) {
        const h = await call(caller, 'GET', { path: `/api/v1/incidents/${encodeURIComponent(w.incidentId)}/history` });
        expect(h.status).toBe(200);
        const first = h.body.entries?.[0] ?? h.body[0];
        expect(first, JSON.stringify(h.body)).toBeTruthy();
        expect('actor' in first, caller).toBe(staff[caller]);
        expect('payload' in first, caller).toBe(staff[caller]);
      }
    });
  });
}

describe('the policy table has been reviewed, rule by rule', () => {
  const pairs = (Object.keys(POLICY) as Kind[]).flatMap((kind) => Object.keys(POLICY[kind]).map((action) => `${action} ${kind}`));
  const byRoutes = Object.values(ROUTES).flatMap((r) => (r.policy ? [`${r.policy[0]} ${r.policy[1]}`] : []));
  const steps = STEP_PAIRS.map(([a, k]) => `${a} ${k}`);
  const unused = NO_ROUTE.map(([a, k]) => `${a} ${k}`);

  it('every rule of the policy is checked by a route above, by the case steps\' matrix, or listed as asked by no route', () => {
    const known = new Set([...byRoutes, ...steps, ...unused]);
    expect(pairs.filter((p) => !known.has(p))).toEqual([]);
    // And nothing listed that the policy does not have (a stale list would hide a removed rule).
    expect([...known].filter((p) => !pairs.includes(p))).toEqual([]);
    expect(steps.filter((p) => byRoutes.includes(p) || unused.includes(p))).toEqual([]);
  });

  it('each rule a route asks about grants exactly the roles the table above lets through', () => {
    for (const [key, route] of Object.entries(ROUTES)) {
      if (!route.policy) continue;
      const [action, kind] = route.policy;
      expect(POLICY[kind][action as keyof (typeof POLICY)[Kind]] ?? {}, `${key}: ${action} ${kind}`).toEqual(grantsOf(route.may));
    }
  });
});

matrix('sqlite');
// One pass on PostgreSQL: the same routes and the same answers on the production store.
matrix('postgres');
