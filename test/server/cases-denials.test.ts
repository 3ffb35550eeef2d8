/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely here */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_COMMAND_TYPES, type CaseCommandInput, type CaseCommandType } from '../../src/response/commands.ts';
import type { Case } from '../../src/response/model.ts';
import { CaseRefused } from '../../src/response/refusal.ts';
import { apply } from '../../src/response/steps.ts';
import { startTestServer, type TestServer, type Who } from './helpers.ts';

/**
 * Who may take which step on a case, through the running server (SQLite: the story runs
 * both stores). Every role × every step type × the party the step concerns (the user's
 * own or another), against the table below — written by hand from the rules, not
 * read from src/server/policy.ts, so that this test checks the policy.
 *
 * A step the table denies is sent with the case's current version on a case where its
 * guards would let it through (checked by running the pure domain on the stored case), so
 * only the policy can answer 403. A step the table allows is sent with a stale version:
 * authorisation comes before the version check (src/server/cases/record.ts), so it must
 * get past the policy and stop at 409 version_conflict — and no case moves at all.
 */

type Role = 'secretariat' | 'admin' | 'observer' | 'liaison';
const ROLE: Record<Who, Role> = { secretariat: 'secretariat', admin: 'admin', observer: 'observer', liaisonMli: 'liaison', liaisonBfa: 'liaison', liaisonNer: 'liaison' };
const PARTY: Partial<Record<Who, string>> = { liaisonMli: 'MLI', liaisonBfa: 'BFA', liaisonNer: 'NER' };
const EVERYONE: Who[] = ['observer', 'admin', 'secretariat', 'liaisonMli', 'liaisonBfa', 'liaisonNer'];

/**
 * The table. A liaison acts only for its own party ('own'), and only where the issue
 * gives a party's liaison the act: its position, its acknowledgement, its pledges and
 * answers, its deployments; the beneficiary's requests and its decisions on the pledges
 * offered to them. The secretariat runs the case, may record a position given in session,
 * and decides on pledges and reports deployments' progress, but never acknowledges, pledges,
 * answers or withdraws a pledge for a party. Observers read; admins run the system, not cases.
 */
const MAY: Record<CaseCommandType, Record<Role, boolean | 'own'>> = {
  start_consultation: { secretariat: true, liaison: false, observer: false, admin: false },
  record_position: { secretariat: true, liaison: 'own', observer: false, admin: false },
  record_decision: { secretariat: true, liaison: false, observer: false, admin: false },
  activate: { secretariat: true, liaison: false, observer: false, admin: false },
  stand_down: { secretariat: true, liaison: false, observer: false, admin: false },
  close: { secretariat: true, liaison: false, observer: false, admin: false },
  withdraw: { secretariat: true, liaison: false, observer: false, admin: false },
  acknowledge: { secretariat: false, liaison: 'own', observer: false, admin: false },
  set_due: { secretariat: true, liaison: false, observer: false, admin: false },
  set_deadlines: { secretariat: true, liaison: false, observer: false, admin: false },
  post_request: { secretariat: true, liaison: 'own', observer: false, admin: false },
  close_request: { secretariat: true, liaison: 'own', observer: false, admin: false },
  answer_request: { secretariat: false, liaison: 'own', observer: false, admin: false },
  pledge: { secretariat: false, liaison: 'own', observer: false, admin: false },
  accept_pledge: { secretariat: true, liaison: 'own', observer: false, admin: false },
  decline_pledge: { secretariat: true, liaison: 'own', observer: false, admin: false },
  withdraw_pledge: { secretariat: false, liaison: 'own', observer: false, admin: false },
  report_deployment: { secretariat: false, liaison: 'own', observer: false, admin: false },
  update_deployment: { secretariat: true, liaison: 'own', observer: false, admin: false },
};

function expectedAllowed(who: Who, type: CaseCommandType, party: string | null): boolean {
  const grant = MAY[type][ROLE[who]];
  return grant === 'own' ? party !== null && party === PARTY[who] : grant;
}

/** The four cases the matrix runs on, each in the state its steps need. */
type CaseKey = 'opened' | 'consultation' | 'assisting' | 'standingDown';

/**
 * One step to try: on which case, with which body, and which party it concerns (the party
 * named in the step, the requester for a request or a decision on a pledge, the pledging
 * party for a pledge's withdrawal or a deployment; null for the case's own steps).
 */
interface Trial {
  type: CaseCommandType;
  on: CaseKey;
  concerns: string | null;
  body: CaseCommandInput;
  /** The guards refuse it too (the beneficiary is not obliged to acknowledge, answer or pledge): only the policy's part is checked. */
  guardRefuses?: true;
}

const named = (type: 'record_position' | 'acknowledge' | 'answer_request' | 'pledge', on: CaseKey, body: (party: string) => CaseCommandInput): Trial[] =>
  ['MLI', 'BFA', 'NER'].map((p) => ({ type, on, concerns: p, body: body(p), ...(p === 'NER' && type !== 'record_position' ? { guardRefuses: true as const } : {}) }));

/**
 * In the assisting case (decided): R1 (4 companies), R2 (ISR, not answered yet); P1 (MLI, 1)
 * and P4 (BFA, 1) offered; P2 (BFA, 2) and P3 (MLI, 2) accepted; D1 (BFA, of P2) and
 * D2 (MLI, of P3) preparing.
 */
const TRIALS: Trial[] = [
  { type: 'start_consultation', on: 'opened', concerns: null, body: { type: 'start_consultation', reason: 'council convened' } },
  ...named('record_position', 'consultation', (party) => ({ type: 'record_position', party, value: 'support' })),
  { type: 'record_decision', on: 'consultation', concerns: null, body: { type: 'record_decision', reason: 'unanimous' } },
  { type: 'activate', on: 'assisting', concerns: null, body: { type: 'activate', reason: 'assistance begins' } },
  { type: 'stand_down', on: 'assisting', concerns: null, body: { type: 'stand_down', reason: 'security restored' } },
  { type: 'close', on: 'standingDown', concerns: null, body: { type: 'close', reason: 'forces home' } },
  { type: 'withdraw', on: 'opened', concerns: null, body: { type: 'withdraw', reason: 'opened in error' } },
  ...named('acknowledge', 'opened', (party) => ({ type: 'acknowledge', party })),
  { type: 'set_due', on: 'opened', concerns: null, body: { type: 'set_due', obligation: 'O1', due: '2026-03-03T08:00:00Z', reason: 'liaison travelling' } },
  { type: 'set_deadlines', on: 'opened', concerns: null, body: { type: 'set_deadlines', deadlines: { statePosition: 48 }, reason: 'summit in two days' } },
  { type: 'post_request', on: 'assisting', concerns: 'NER', body: { type: 'post_request', capability: 'medevac', quantity: 1, unit: 'helicopter', where: { lat: 14.2, lon: 1.45 }, from: '2026-03-05', priority: 'high' } },
  { type: 'close_request', on: 'assisting', concerns: 'NER', body: { type: 'close_request', request: 'R1', reason: 'covered' } },
  ...named('answer_request', 'assisting', (party) => ({ type: 'answer_request', request: 'R2', party, reason: 'no ISR available' })),
  ...named('pledge', 'assisting', (party) => ({ type: 'pledge', request: 'R1', party, quantity: 1, availableFrom: '2026-03-06' })),
  // The requester (Niger) decides on every pledge, whoever offered it.
  { type: 'accept_pledge', on: 'assisting', concerns: 'NER', body: { type: 'accept_pledge', pledge: 'P1' } },
  { type: 'accept_pledge', on: 'assisting', concerns: 'NER', body: { type: 'accept_pledge', pledge: 'P4' } },
  { type: 'decline_pledge', on: 'assisting', concerns: 'NER', body: { type: 'decline_pledge', pledge: 'P1', reason: 'covered' } },
  { type: 'decline_pledge', on: 'assisting', concerns: 'NER', body: { type: 'decline_pledge', pledge: 'P4', reason: 'covered' } },
  { type: 'withdraw_pledge', on: 'assisting', concerns: 'MLI', body: { type: 'withdraw_pledge', pledge: 'P1', reason: 'needed at home' } },
  { type: 'withdraw_pledge', on: 'assisting', concerns: 'BFA', body: { type: 'withdraw_pledge', pledge: 'P4', reason: 'needed at home' } },
  { type: 'report_deployment', on: 'assisting', concerns: 'BFA', body: { type: 'report_deployment', pledge: 'P2', status: 'preparing', at: '2026-03-07', quantity: 1 } },
  { type: 'report_deployment', on: 'assisting', concerns: 'MLI', body: { type: 'report_deployment', pledge: 'P3', status: 'preparing', at: '2026-03-07', quantity: 1 } },
  { type: 'update_deployment', on: 'assisting', concerns: 'BFA', body: { type: 'update_deployment', deployment: 'D1', status: 'in_transit', at: '2026-03-08' } },
  { type: 'update_deployment', on: 'assisting', concerns: 'MLI', body: { type: 'update_deployment', deployment: 'D2', status: 'in_transit', at: '2026-03-08' } },
];

/** What the 403's message says: the role may not do this at all, or only for its own party. */
function reasonFor(who: Who, t: Trial): RegExp {
  switch (ROLE[who]) {
    case 'observer':
      return /^An observer may not [a-z]+ [a-z ]+\. Observers have read-only access\.$/;
    case 'admin':
      return /^An admin may not [a-z]+ [a-z ]+\.$/;
    case 'secretariat':
      return /^The secretariat may not [a-z]+ [a-z ]+\.$/;
    case 'liaison':
      return MAY[t.type].liaison === 'own'
        ? new RegExp(`^A liaison \\(for ${PARTY[who]}\\) may [a-z]+ only [a-z ]+ of its own party, not [a-z ]+ of ${t.concerns}\\.$`)
        : new RegExp(`^A liaison \\(for ${PARTY[who]}\\) may not [a-z]+ [a-z ]+\\.$`);
  }
}

const NOW = new Date('2026-03-01T12:00:00Z');

describe('who may take which step on a case (the denial matrix)', () => {
  let s: TestServer;
  const ids = {} as Record<CaseKey, number>;
  const versions = {} as Record<CaseKey, number>;
  let incidentId = '';

  async function open(): Promise<number> {
    const r = await s.api('POST', '/api/v1/cases', { json: { incidentId, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Niger' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.case.id;
  }
  async function step(id: number, who: Who, body: CaseCommandInput): Promise<Case> {
    const current = (await s.api('GET', `/api/v1/cases/${id}`)).body.case;
    const r = await s.api('POST', `/api/v1/cases/${id}/steps`, { as: who, json: { version: current.version, step: body } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.case;
  }
  async function decide(id: number): Promise<void> {
    await step(id, 'secretariat', { type: 'start_consultation', reason: 'council convened' });
    for (const who of ['liaisonNer', 'liaisonBfa', 'liaisonMli'] as const) await step(id, who, { type: 'record_position', party: PARTY[who]!, value: 'support' });
  }

  beforeAll(async () => {
    s = await startTestServer('sqlite', { clock: () => NOW });
    const inc = await s.api('POST', '/api/v1/incidents', {
      json: { incident: { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 } },
    });
    expect(inc.status).toBe(201);
    incidentId = inc.body.id;

    ids.opened = await open();

    ids.consultation = await open();
    await decide(ids.consultation);

    ids.assisting = await open();
    await decide(ids.assisting);
    await step(ids.assisting, 'secretariat', { type: 'record_decision', reason: 'unanimous' });
    await step(ids.assisting, 'liaisonNer', { type: 'post_request', capability: 'troops', quantity: 4, unit: 'company', where: { lat: 14.2, lon: 1.45 }, from: '2026-03-05', priority: 'critical' });
    await step(ids.assisting, 'liaisonNer', { type: 'post_request', capability: 'isr', quantity: 1, unit: 'team', where: { area: 'Tillabéri' }, from: '2026-03-05', priority: 'high' });
    await step(ids.assisting, 'liaisonMli', { type: 'pledge', request: 'R1', party: 'MLI', quantity: 1, availableFrom: '2026-03-06' });
    await step(ids.assisting, 'liaisonBfa', { type: 'pledge', request: 'R1', party: 'BFA', quantity: 2, availableFrom: '2026-03-06' });
    await step(ids.assisting, 'liaisonMli', { type: 'pledge', request: 'R1', party: 'MLI', quantity: 2, availableFrom: '2026-03-06' });
    await step(ids.assisting, 'liaisonBfa', { type: 'pledge', request: 'R1', party: 'BFA', quantity: 1, availableFrom: '2026-03-06' });
    await step(ids.assisting, 'liaisonNer', { type: 'accept_pledge', pledge: 'P2' });
    await step(ids.assisting, 'secretariat', { type: 'accept_pledge', pledge: 'P3' });
    await step(ids.assisting, 'liaisonBfa', { type: 'report_deployment', pledge: 'P2', status: 'preparing', at: '2026-03-06', quantity: 1 });
    const assisting = await step(ids.assisting, 'liaisonMli', { type: 'report_deployment', pledge: 'P3', status: 'preparing', at: '2026-03-06', quantity: 1 });
    expect(assisting.state).toBe('decided');
    expect(assisting.pledges.map((p: any) => [p.id, p.party, p.state])).toEqual([['P1', 'MLI', 'offered'], ['P2', 'BFA', 'accepted'], ['P3', 'MLI', 'accepted'], ['P4', 'BFA', 'offered']]);
    expect(assisting.deployments.map((d: any) => [d.id, d.party, d.status])).toEqual([['D1', 'BFA', 'preparing'], ['D2', 'MLI', 'preparing']]);

    ids.standingDown = await open();
    await decide(ids.standingDown);
    await step(ids.standingDown, 'secretariat', { type: 'record_decision', reason: 'unanimous' });
    await step(ids.standingDown, 'secretariat', { type: 'stand_down', reason: 'threat gone' });

    for (const k of Object.keys(ids) as CaseKey[]) versions[k] = (await s.api('GET', `/api/v1/cases/${ids[k]}`)).body.case.version;
  });
  afterAll(async () => s?.close());

  it('tries every step type', () => {
    expect([...new Set(TRIALS.map((t) => t.type))].sort()).toEqual([...CASE_COMMAND_TYPES].sort());
    expect(Object.keys(MAY).sort()).toEqual([...CASE_COMMAND_TYPES].sort());
  });

  it('answers 403 exactly where the table denies, before any guard or version check', async () => {
    const stored = {} as Record<CaseKey, Case>;
    for (const k of Object.keys(ids) as CaseKey[]) stored[k] = (await s.store.cases.get(ids[k]))!;
    const rows: string[] = [];
    const guardsRefused: string[] = [];
    let denied = 0;
    let allowed = 0;
    for (const who of EVERYONE) {
      for (const t of TRIALS) {
        const relation = PARTY[who] ? (t.concerns === PARTY[who] ? 'own' : 'another') : (t.concerns ?? '-');
        const label = `${who} ${t.type} (${relation}: ${JSON.stringify(t.body)})`;
        const url = `/api/v1/cases/${ids[t.on]}/steps`;
        const version = versions[t.on];
        if (expectedAllowed(who, t.type, t.concerns)) {
          allowed++;
          const r = await s.api('POST', url, { as: who, json: { version: version + 1000, step: t.body } });
          rows.push(`${label} → ${r.status} ${r.body?.error?.code}`);
          expect(r.status, label).toBe(409);
          expect(r.body.error.code, label).toBe('version_conflict');
        } else {
          denied++;
          // The pure domain on the stored case: would its guards let this step through?
          try {
            apply(stored[t.on], t.body, { actor: { username: s.usernames[who], party: PARTY[who] ?? null }, now: NOW });
          } catch (err) {
            if (!(err instanceof CaseRefused)) throw err;
            guardsRefused.push(`${t.type} ${t.concerns}`);
          }
          for (const v of [version, version + 1000]) {
            const r = await s.api('POST', url, { as: who, json: { version: v, step: t.body } });
            rows.push(`${label} v${v} → ${r.status} ${r.body?.error?.code}`);
            expect(r.status, label).toBe(403);
            expect(r.body.error.code, label).toBe('forbidden');
            // The policy's reason: who, and why not.
            expect(r.body.error.message, label).toMatch(reasonFor(who, t));
          }
        }
      }
    }
    // 6 users × 32 trials.
    expect(allowed + denied).toBe(EVERYONE.length * TRIALS.length);
    expect(allowed).toBe(43);
    // Only the trials marked so are refused by the guards as well: every other 403 is the policy's alone.
    const marked = TRIALS.filter((t) => t.guardRefuses).map((t) => `${t.type} ${t.concerns}`);
    expect([...new Set(guardsRefused)].sort()).toEqual(marked.sort());
    // Nothing moved.
    for (const k of Object.keys(ids) as CaseKey[]) {
      const c = (await s.api('GET', `/api/v1/cases/${ids[k]}`)).body.case;
      expect(c.version, `${k}: ${rows.join('\n')}`).toBe(versions[k]);
    }
  });

  it('lets only the secretariat open a case', async () => {
    const body = { incidentId, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Niger' };
    for (const who of ['observer', 'admin', 'liaisonMli', 'liaisonBfa', 'liaisonNer'] as const) {
      const r = await s.api('POST', '/api/v1/cases', { as: who, json: body });
      expect(r.status, who).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    expect((await s.api('GET', '/api/v1/cases?limit=500')).body.cases).toHaveLength(4);
  });

  it('lets everyone signed in read cases and their shared notes, but not observers or admins write notes', async () => {
    const id = ids.assisting;
    for (const who of EVERYONE) {
      expect((await s.api('GET', '/api/v1/cases', { as: who })).status, who).toBe(200);
      expect((await s.api('GET', `/api/v1/cases/${id}`, { as: who })).status, who).toBe(200);
      expect((await s.api('GET', `/api/v1/cases/${id}/notes`, { as: who })).status, who).toBe(200);
    }
    for (const who of ['observer', 'admin'] as const) {
      // Told so before anything about the case, even one that does not exist.
      expect((await s.api('POST', '/api/v1/cases/999999/notes', { as: who, json: { text: 'x' } })).status, who).toBe(403);
      for (const json of [{ text: 'shared' }, { text: 'restricted', restricted: true, party: 'NER' }]) {
        const r = await s.api('POST', `/api/v1/cases/${id}/notes`, { as: who, json });
        expect(r.status, `${who} ${JSON.stringify(json)}`).toBe(403);
        expect(r.body.error.code).toBe('forbidden');
      }
    }
  });

  it('keeps a liaison to its own party\'s notes', async () => {
    const id = ids.assisting;
    const post = (who: Who, json: Record<string, unknown>) => s.api('POST', `/api/v1/cases/${id}/notes`, { as: who, json });
    const forNer = await post('liaisonMli', { text: 'not mine to write', restricted: true, party: 'NER' });
    expect(forNer.status).toBe(403);
    expect(forNer.body.error.message).toMatch(/own party/);
    expect((await post('liaisonBfa', { text: 'not mine either', restricted: true, party: 'MLI' })).status).toBe(403);
    expect((await post('liaisonMli', { text: 'signed as Burkina Faso', party: 'BFA' })).status).toBe(403);
    const own = await post('liaisonMli', { text: 'Mali only', restricted: true });
    expect(own.status).toBe(201);
    expect(own.body.note).toMatchObject({ party: 'MLI', restricted: true });
    const shared = await post('liaisonBfa', { text: 'shared by Burkina Faso' });
    expect(shared.status).toBe(201);
    const bySecretariat = await post('secretariat', { text: 'for Niger', restricted: true, party: 'NER' });
    expect(bySecretariat.status).toBe(201);
    const texts = async (who: Who) => ((await s.api('GET', `/api/v1/cases/${id}/notes`, { as: who })).body.notes as any[]).map((n) => n.text);
    expect(await texts('liaisonMli')).toEqual(['Mali only', 'shared by Burkina Faso']);
    expect(await texts('liaisonNer')).toEqual(['shared by Burkina Faso', 'for Niger']);
    expect(await texts('observer')).toEqual(['shared by Burkina Faso']);
  });

  it('answers 401 to anyone not signed in, on every route under /api/v1/cases', async () => {
    const id = ids.assisting;
    // Every POST under /api/v1/cases, with a body it would accept from a signed-in user.
    const posts: Record<string, unknown> = {
      '/api/v1/cases': { incidentId, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Niger' },
      '/api/v1/cases/{id}/steps': { version: versions.assisting, step: { type: 'activate', reason: 'go' } },
      '/api/v1/cases/{id}/notes': { text: 'anonymous' },
    };
    const doc = s.app.swagger() as unknown as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/v1/cases')).flatMap(([p, methods]) => Object.keys(methods).map((m) => [m.toUpperCase(), p] as const));
    expect(ops.length).toBeGreaterThanOrEqual(6);
    const tried: string[] = [];
    for (const [method, path] of ops) {
      if (method === 'POST') expect(Object.keys(posts), `add a body for POST ${path} to this test`).toContain(path);
      // An existing case and one that does not exist: anonymous callers learn neither.
      for (const caseId of [id, 999_999]) {
        const url = path.replace('{id}', String(caseId));
        if (url === path && caseId !== id) continue;
        for (const headers of [{}, { authorization: 'Bearer fdt_not-a-token' }] as Array<Record<string, string>>) {
          const r = await s.api(method, url, { as: null, headers, ...(method === 'POST' ? { json: posts[path] } : {}) });
          tried.push(`${method} ${url}`);
          expect(r.status, `${method} ${url} ${JSON.stringify(headers)}: ${r.text}`).toBe(401);
          expect(r.body.error.code, `${method} ${url}`).toMatch(/^(unauthenticated|invalid_token)$/);
        }
      }
    }
    expect(tried).toContain('POST /api/v1/cases/999999/notes');
    expect((await s.api('GET', `/api/v1/cases/${id}`)).body.case.version).toBe(versions.assisting);
  });
});
