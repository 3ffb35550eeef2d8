/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely here */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, sampleIncident, startTestServer, type TestServer, type Who } from '../server/helpers.ts';
import { count, FUZZ_STORES, fuzzing, hostileText, oddScalar, params, report, timeout } from './runs.ts';

/**
 * Every API body (and the incident filters' query), fed arbitrary and near-valid input
 * through the running server (on each store of FOEDUS_FUZZ_STORE, see runs.ts): never a 5xx; every refusal a 4xx with an error code
 * and a message; and a refused request writes nothing (records, ledger, accounts, webhooks,
 * cases and notes all as before).
 */

type J = null | boolean | number | string | J[] | { [k: string]: J };

let s: TestServer;
let incidentId = '';
let caseId = 0;

async function start(dialect: 'sqlite' | 'postgres') {
  fuzzing(dialect);
  s = await startTestServer(dialect);
  const inc = await s.api('POST', '/api/v1/incidents', {
    json: { incident: { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 } },
  });
  expect(inc.status, inc.text).toBe(201);
  incidentId = inc.body.id;
  const c = await s.api('POST', '/api/v1/cases', { json: { incidentId, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Niger' } });
  expect(c.status, c.text).toBe(201);
  caseId = c.body.case.id;
}
afterAll(() => report('api'));

/** Everything a request could have written. */
async function snapshot() {
  const st = s.store;
  const cases = await st.cases.list({ limit: 10_000 });
  return {
    incidents: await st.incidents.count(),
    ledger: (await st.ledger.head())?.seq ?? 0,
    users: await st.accounts.countUsers(),
    webhooks: (await st.webhooks.list()).length,
    cases: cases.map((c: any) => `${c.id}:${c.version}`).join(','),
    notes: (await st.cases.notes(caseId)).length,
  };
}

async function version(): Promise<number> {
  return (await st()).version;
  async function st() {
    return (await s.api('GET', `/api/v1/cases/${caseId}`)).body.case;
  }
}

/** Sends one request and checks the promises. */
async function send(name: string, as: Who, method: 'POST' | 'PATCH' | 'GET', url: string, payload: string | undefined, contentType = 'application/json'): Promise<void> {
  count(name);
  const before = await snapshot();
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${s.tokens[as]}`, ...(payload !== undefined ? { 'content-type': contentType } : {}) },
    ...(payload !== undefined ? { payload } : {}),
  });
  const where = `${method} ${url} ${payload?.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const body = JSON.parse(res.body);
    expect(typeof body.error?.code === 'string' && body.error.code.length > 0, `code: ${where}`).toBe(true);
    expect(typeof body.error?.message === 'string' && body.error.message.trim().length > 0, `message: ${where}`).toBe(true);
    expect(await snapshot(), `nothing written: ${where}`).toEqual(before);
  }
}

/** A valid body with a few fields replaced by odd values or removed. */
function nearValid(valid: () => Record<string, J>, paths: string[]): fc.Arbitrary<string> {
  const value: fc.Arbitrary<J | undefined> = fc.oneof(
    fc.constant(undefined),
    oddScalar as fc.Arbitrary<J>,
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<J>,
    fc.constantFrom<J>(null, 0, -1, 1e308, 2 ** 53, 1.5, true, [], {}, 'x'.repeat(70_000)),
  );
  return fc.array(fc.record({ path: fc.constantFrom(...paths), value }), { minLength: 1, maxLength: 3 }).map((changes) => {
    const body = valid();
    for (const { path, value: v } of changes) {
      const parts = path.split('.');
      let at: any = body;
      for (const p of parts.slice(0, -1)) at = at && typeof at === 'object' ? at[p] : undefined;
      if (!at || typeof at !== 'object') continue;
      const last = parts[parts.length - 1]!;
      if (v === undefined) delete at[last];
      else at[last] = structuredClone(v); // the constants ([] and {}) are shared between inputs: never nest one in itself
    }
    return JSON.stringify(body);
  });
}

/** Anything at all as a body: text that is not JSON, any JSON, and the near-valid ones. */
function bodies(valid: () => Record<string, J>, paths: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: hostileText, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
    { arbitrary: nearValid(valid, paths), weight: 4 },
  );
}

const INCIDENT_PATHS = ['incident', 'incident.date', 'incident.kind', 'incident.location', 'incident.location.lat', 'incident.location.lon', 'incident.location.country', 'incident.perpetrator', 'incident.perpetrator.type', 'incident.target', 'incident.target.type', 'incident.target.country', 'incident.fatalities', 'incident.id', 'notes', 'placeName', 'actors', 'sources', 'textLang', 'dateEnd', 'fatalitiesLow', 'fatalitiesHigh', 'extra'];
const validIncident = (): Record<string, J> => ({ incident: sampleIncident({ location: { lat: 15.92, lon: 2.4, country: 'MLI' } }) as never, notes: 'seen by a patrol', fatalitiesLow: 10, fatalitiesHigh: 14 });

const STEPS: Array<() => Record<string, J>> = [
  () => ({ type: 'start_consultation', reason: 'council convened' }),
  () => ({ type: 'record_position', party: 'MLI', value: 'support' }),
  () => ({ type: 'acknowledge', party: 'MLI' }),
  () => ({ type: 'set_due', obligation: 'O1', due: '2026-03-03T08:00:00Z', reason: 'travelling' }),
  () => ({ type: 'set_deadlines', deadlines: { statePosition: 48 }, reason: 'summit' }),
  () => ({ type: 'post_request', capability: 'medevac', quantity: 1, unit: 'helicopter', where: { lat: 14.2, lon: 1.45 }, from: '2026-03-05', priority: 'high' }),
  () => ({ type: 'pledge', request: 'R1', party: 'MLI', quantity: 1, availableFrom: '2026-03-06' }),
  () => ({ type: 'accept_pledge', pledge: 'P1' }),
  () => ({ type: 'report_deployment', pledge: 'P1', status: 'preparing', at: '2026-03-07', quantity: 1 }),
];
const STEP_PATHS = ['version', 'step', 'step.type', 'step.party', 'step.reason', 'step.value', 'step.obligation', 'step.due', 'step.deadlines', 'step.deadlines.statePosition', 'step.quantity', 'step.where', 'step.where.lat', 'step.from', 'step.request', 'step.pledge', 'step.at', 'step.status'];

describe.each(FUZZ_STORES)('API bodies under fuzzing (%s)', (dialect) => {
  beforeAll(() => start(dialect), 60_000);
  afterAll(async () => s?.close());

  it('POST /incidents', async () => {
    await fc.assert(fc.asyncProperty(bodies(validIncident, INCIDENT_PATHS), (b) => send('POST incidents', 'secretariat', 'POST', '/api/v1/incidents', b)), params(40));
  }, timeout());

  it('PATCH /incidents/{id}', async () => {
    const paths = ['version', ...INCIDENT_PATHS];
    const valid = () => ({ version: 1, ...validIncident() });
    await fc.assert(
      fc.asyncProperty(bodies(valid, paths), async (b) => {
        // The current version half of the time, so near-valid edits get past the version check.
        const current = (await s.api('GET', `/api/v1/incidents/${encodeURIComponent(incidentId)}`)).body.version;
        const body = b.replace(/^\{"version":1,/, `{"version":${current},`);
        await send('PATCH incidents', 'secretariat', 'PATCH', `/api/v1/incidents/${encodeURIComponent(incidentId)}`, body);
      }),
      params(40),
    );
  }, timeout());

  it('POST /assess (what-if)', async () => {
    const valid = () => ({ incident: sampleIncident() as never, at: '2024-03-11', lang: 'fr' });
    await fc.assert(fc.asyncProperty(bodies(valid, [...INCIDENT_PATHS.filter((p) => p.startsWith('incident')), 'at', 'lang']), (b) => send('POST assess', 'observer', 'POST', '/api/v1/assess', b)), params(40));
  }, timeout());

  it('POST /users', async () => {
    let n = 0;
    const valid = () => ({ username: `fz-${++n}-${Date.now()}`, role: 'liaison', party: 'NER', password: 'dune-caravan-ledger-7', mustChangePassword: true });
    await fc.assert(fc.asyncProperty(bodies(valid, ['username', 'role', 'party', 'password', 'mustChangePassword', 'extra']), (b) => send('POST users', 'admin', 'POST', '/api/v1/users', b)), params(25));
  }, timeout());

  it('POST /users/{name}/password and /tokens, POST /auth/login', async () => {
    const reset = () => ({ password: 'dune-caravan-ledger-7' });
    const token = () => ({ label: 'sync', expiresInDays: 7 });
    const login = () => ({ username: 'analyst', password: PASSWORD });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          bodies(reset, ['password', 'extra']).map((b) => ['/api/v1/users/liaison-ner/password', b] as const),
          bodies(token, ['label', 'expiresInDays', 'extra']).map((b) => ['/api/v1/users/liaison-ner/tokens', b] as const),
          bodies(login, ['username', 'password', 'extra']).map((b) => ['/api/v1/auth/login', b] as const),
        ),
        ([url, b]) => send(`POST ${url.split('/').slice(-1)[0]}`, 'admin', 'POST', url, b),
      ),
      params(25),
    );
  }, timeout());

  it('POST /webhooks', async () => {
    const valid = () => ({ url: 'http://127.0.0.1:9/hook', events: ['case.opened', 'case.note'] });
    await fc.assert(fc.asyncProperty(bodies(valid, ['url', 'events', 'events.0', 'extra']), (b) => send('POST webhooks', 'admin', 'POST', '/api/v1/webhooks', b)), params(25));
  }, timeout());

  it('POST /cases', async () => {
    const valid = () => ({ incidentId, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Niger', exercise: true });
    await fc.assert(fc.asyncProperty(bodies(valid, ['incidentId', 'charter', 'provision', 'reason', 'exercise', 'extra']), (b) => send('POST cases', 'secretariat', 'POST', '/api/v1/cases', b)), params(30));
  }, timeout());

  it('POST /cases/{id}/steps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(STEPS.length - 1), fc.constantFrom<Who>('secretariat', 'liaisonMli', 'liaisonNer'), fc.boolean(), async (i, who, current) => {
        const v = current ? await version() : 1;
        const arb = bodies(() => ({ version: v, step: STEPS[i]!() }), STEP_PATHS);
        const [b] = fc.sample(arb, 1);
        await send('POST steps', who, 'POST', `/api/v1/cases/${caseId}/steps`, b);
      }),
      params(40),
    );
  }, timeout());

  it('POST /cases/{id}/notes', async () => {
    const valid = () => ({ text: 'Convoy route through Gao', restricted: true, party: 'MLI' });
    await fc.assert(
      fc.asyncProperty(bodies(valid, ['text', 'restricted', 'party', 'extra']), fc.constantFrom<Who>('secretariat', 'liaisonMli'), (b, who) => send('POST notes', who, 'POST', `/api/v1/cases/${caseId}/notes`, b)),
      params(30),
    );
  }, timeout());

  it('the incident filters (query strings)', async () => {
    const key = fc.constantFrom('bbox', 'from', 'to', 'kind', 'country', 'admin1', 'actor', 'minFatalities', 'q', 'triggers', 'cell', 'zoom', 'interval', 'level', 'limit', 'cursor', 'nope');
    const query = fc.array(fc.tuple(key, fc.oneof(oddScalar, fc.constantFrom('-12,8,16,25', '2024-01-01', 'MLI,NER', 'armed_attack', 'aes-2023/6', '3/1/2', '3'))), { maxLength: 4 });
    const path = fc.constantFrom('/api/v1/incidents', '/api/v1/incidents/count', '/api/v1/incidents/timeline', '/api/v1/incidents/by-area', '/api/v1/incidents/clusters', '/api/v1/incidents/export');
    await fc.assert(
      fc.asyncProperty(path, query, (p, q) => send('GET incidents?', 'observer', 'GET', `${p}?${new URLSearchParams(q).toString()}`, undefined)),
      params(60),
    );
  }, timeout());

  it('odd content types and bodies on every POST and PATCH', async () => {
    const route = fc.constantFrom(
      ['POST', '/api/v1/incidents'],
      ['POST', '/api/v1/assess'],
      ['POST', '/api/v1/users'],
      ['POST', '/api/v1/webhooks'],
      ['POST', '/api/v1/cases'],
      ['POST', '/api/v1/imports'],
      ['POST', '/api/v1/auth/login'],
      ['POST', '/api/v1/auth/password'],
      ['POST', '/api/v1/users/analyst/tokens'],
      ['POST', '/api/v1/users/liaison-bfa/disable'],
      ['POST', '/api/v1/webhooks/1/test'],
    ) as fc.Arbitrary<['POST' | 'PATCH', string]>;
    const type = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml', 'application/json', '', 'application/*');
    await fc.assert(
      fc.asyncProperty(route, type, fc.oneof(hostileText, fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))), ([m, url], ct, b) => send('POST odd types', 'admin', m, url, b, ct)),
      params(40),
    );
  }, timeout());

  it('the other queries and path parameters', async () => {
    const text = fc.oneof(oddScalar, fc.constantFrom('1', '0', '-1', '2024-01-01', 'MLI', 'aes-2023', 'open', 'html', 'json', 'fr', '999999999999999999999'));
    const query = fc.array(fc.tuple(fc.constantFrom('state', 'party', 'from', 'to', 'after', 'limit', 'before', 'format', 'lang', 'bbox', 'zoom', 'q', 'exercise', 'nope'), text), { maxLength: 3 });
    const path = fc.oneof(
      fc.constantFrom('/api/v1/cases', '/api/v1/compliance', '/api/v1/ledger', '/api/v1/places', '/api/v1/places/search', '/api/v1/inbox', '/api/v1/cap.atom', '/api/v1/charters'),
      fc.tuple(fc.constantFrom('/api/v1/cases/', '/api/v1/incidents/', '/api/v1/imports/', '/api/v1/charters/', '/api/v1/webhooks/'), text, fc.constantFrom('', '/notes', '/export', '/compliance', '/cap.xml', '/history', '/deliveries')).map(
        ([a, id, b]) => `${a}${encodeURIComponent(id)}${b}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(path, query, fc.constantFrom<Who>('admin', 'secretariat', 'liaisonMli'), (p, q, who) => send('GET other', who, 'GET', `${p}?${new URLSearchParams(q).toString()}`, undefined)),
      params(60),
    );
  }, timeout());

  it('leaves every record what the ledger last wrote', async () => {
    const r = await s.store.ledger.verifyRecords();
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
