/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely in this story */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/webhooks/signature.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { startTestServer, type TestServer, type Who } from './helpers.ts';

/**
 * The full AES art. 6 story through the running server, on both stores, with the three
 * party liaisons and a secretariat officer, on a clock the test moves: an attack on Niger
 * → case → consultation → positions → decision → requests (2 companies, air support) →
 * pledges from Burkina Faso and Mali → one accepted, one declined → deployment on site →
 * stand-down → closed; then every obligation's status and the pledges' honour, exactly.
 */

const BIN = fileURLToPath(new URL('../../bin/foedus.js', import.meta.url));
const T0 = Date.parse('2026-03-01T08:00:00Z');
const hours = (h: number) => new Date(T0 + h * 3_600_000);

describe.each(DIALECTS)('the AES art. 6 story (%s)', (dialect) => {
  let s: TestServer;
  let now = hours(0);
  let id = 0;
  let version = 0;

  // A webhook receiver on 127.0.0.1: every case event is POSTed to it, signed.
  const received: Array<{ body: string; signature: string }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['foedus-signature']) });
      res.end('ok');
    });
  });
  let secret = '';

  beforeAll(async () => {
    s = await startTestServer(dialect, { clock: () => now, webhooks: { pollMs: 30, timeoutMs: 2000, leaseMs: 3000, backoff: { baseMs: 100, maxMs: 500, maxAttempts: 3 } } });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    const hook = await s.api('POST', '/api/v1/webhooks', { as: 'admin', json: { url: `http://127.0.0.1:${port}/hook`, events: ['*'] } });
    secret = hook.body.secret;
  });
  afterAll(async () => {
    await s?.close();
    await new Promise((r) => receiver.close(r));
  });

  /** Opens the live feed as `who`, collecting what arrives. */
  async function listen(who: Who) {
    const ac = new AbortController();
    const res = await fetch(`${s.url}/api/v1/events`, { headers: { authorization: `Bearer ${s.tokens[who]}` }, signal: ac.signal });
    let got = '';
    const reader = res.body!.getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          got += new TextDecoder().decode(value);
        }
      } catch {
        /* aborted */
      }
    })();
    return { text: () => got, close: () => ac.abort() };
  }
  async function until(check: () => boolean) {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  }

  /** Takes a step as `who` at hour `h`; returns the response (and keeps the version when it succeeds). */
  async function step(who: Who, h: number, body: Record<string, unknown>, opts: { version?: number; lang?: 'fr' } = {}) {
    now = hours(h);
    const r = await s.api('POST', `/api/v1/cases/${id}/steps${opts.lang ? `?lang=${opts.lang}` : ''}`, { as: who, json: { version: opts.version ?? version, step: body } });
    if (r.status === 200) version = r.body.case.version;
    return r;
  }
  const ok = async (who: Who, h: number, body: Record<string, unknown>) => {
    const r = await step(who, h, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.case;
  };

  it('opens a case on the attack on Niger, copying the provision from the assessment', async () => {
    const inc = await s.api('POST', '/api/v1/incidents', {
      json: { incident: { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group', name: 'armed group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 } },
    });
    expect(inc.status).toBe(201);

    // A provision the assessment does not trigger is refused, saying why (art. 8 non-aggression needs a party as perpetrator).
    const wrong = await s.api('POST', '/api/v1/cases', { json: { incidentId: inc.body.id, charter: 'aes-2023', provision: '8.non_aggression', reason: 'test' } });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('provision_not_triggered');
    // Only the secretariat opens cases.
    const byLiaison = await s.api('POST', '/api/v1/cases', { as: 'liaisonNer', json: { incidentId: inc.body.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'x' } });
    expect(byLiaison.status).toBe(403);

    const r = await s.api('POST', '/api/v1/cases', { json: { incidentId: inc.body.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'Attack on Niger confirmed by the duty officer' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = r.body.case;
    id = c.id;
    version = c.version;
    expect(c).toMatchObject({ state: 'opened', exercise: false, version: 1, consulted: ['BFA', 'MLI', 'NER'], parties: ['BFA', 'MLI', 'NER'] });
    expect(c.provision).toMatchObject({ charter: 'aes-2023', article: '6', beneficiary: 'NER', obligated: ['BFA', 'MLI'], triggered: true, decision: { rule: 'unanimity' } });
    expect(c.provision.charterVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(c.obligations.map((o: any) => [o.id, o.party, o.kind, o.due, o.status])).toEqual([
      ['O1', 'BFA', 'acknowledge', '2026-03-02T08:00:00.000Z', 'pending'],
      ['O2', 'MLI', 'acknowledge', '2026-03-02T08:00:00.000Z', 'pending'],
    ]);
  });

  it('puts what waits in each user\'s inbox', async () => {
    const bfa = await s.api('GET', '/api/v1/inbox', { as: 'liaisonBfa' });
    expect(bfa.body.items.map((i: any) => [i.case, i.kind, i.party, i.item, i.due])).toEqual([[id, 'obligation', 'BFA', 'O1', '2026-03-02T08:00:00.000Z']]);
    expect((await s.api('GET', '/api/v1/inbox', { as: 'liaisonNer' })).body.items).toEqual([]);
    const sec = await s.api('GET', '/api/v1/inbox', { as: 'secretariat' });
    expect(sec.body.items.map((i: any) => [i.kind, i.item])).toEqual([['case_step', 'start_consultation']]);
    expect((await s.api('GET', '/api/v1/inbox', { as: 'observer' })).body.items).toEqual([]);
  });

  it('takes acknowledgements from each party for itself only, on time and late', async () => {
    const forOther = await step('liaisonMli', 1, { type: 'acknowledge', party: 'BFA' });
    expect(forOther.status).toBe(403);
    expect(forOther.body.error.message).toMatch(/own party/);
    await ok('liaisonBfa', 2, { type: 'acknowledge', party: 'BFA' });
    const again = await step('liaisonBfa', 2.5, { type: 'acknowledge', party: 'BFA' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_acknowledged');
    // Mali has not acknowledged a day later: the clock alone makes it overdue.
    now = hours(25);
    const read = await s.api('GET', `/api/v1/cases/${id}`, { as: 'observer' });
    expect(read.body.case.obligations.find((o: any) => o.id === 'O2').status).toBe('overdue');
    const chase = await s.api('GET', '/api/v1/inbox', { as: 'secretariat' });
    expect(chase.body.items.map((i: any) => [i.kind, i.party, i.item, i.overdue])).toEqual([
      ['obligation_to_chase', 'MLI', 'O2', true],
      ['case_step', null, 'start_consultation', false],
    ]);
    expect(chase.body.overdue).toBe(1);
  });

  it('refuses a stale version, and of two officers taking one step at once, one wins', async () => {
    const stale = await step('secretariat', 3, { type: 'start_consultation', reason: 'council convened' }, { version: version - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
    now = hours(3);
    const body = { version, step: { type: 'start_consultation', reason: 'council convened' } };
    const [a, b] = await Promise.all([s.api('POST', `/api/v1/cases/${id}/steps`, { json: body }), s.api('POST', `/api/v1/cases/${id}/steps`, { json: body })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    version = (a.status === 200 ? a : b).body.case.version;
    const c = (a.status === 200 ? a : b).body.case;
    expect(c.state).toBe('consultation');
    expect(c.obligations.filter((o: any) => o.kind === 'state_position').map((o: any) => [o.party, o.due])).toEqual([
      ['BFA', '2026-03-04T11:00:00.000Z'], ['MLI', '2026-03-04T11:00:00.000Z'], ['NER', '2026-03-04T11:00:00.000Z'],
    ]);
  });

  it('decides by unanimity once every party has stated its position, saying which are missing before', async () => {
    await ok('liaisonNer', 4, { type: 'record_position', party: 'NER', value: 'support', statement: 'Le Niger demande l\'assistance de ses alliés.' });
    await ok('liaisonBfa', 5, { type: 'record_position', party: 'BFA', value: 'support' });
    const early = await step('secretariat', 6, { type: 'record_decision', reason: 'council' }, { lang: 'fr' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe('La décision exige les positions de Mali (MLI).');
    expect(early.body.error.details.missing).toEqual(['MLI']);
    await ok('liaisonMli', 30, { type: 'acknowledge', party: 'MLI' });
    const positionFor = await step('liaisonMli', 79, { type: 'record_position', party: 'NER', value: 'oppose' });
    expect(positionFor.status).toBe(403);
    await ok('liaisonMli', 80, { type: 'record_position', party: 'MLI', value: 'support' });
    const c = await ok('secretariat', 81, { type: 'record_decision', reason: 'Council of heads of state, unanimous' });
    expect(c.state).toBe('decided');
    expect(c.decision).toMatchObject({ rule: 'unanimity', outcome: 'act', acting: ['BFA', 'MLI'] });
    expect(c.decision.explanation.en).toMatch(/No party opposes/);
    await ok('secretariat', 82, { type: 'activate', reason: 'assistance begins' });
  });

  it('posts requests, takes pledges, accepts one and declines another, and follows the deployment to the site', async () => {
    // Only the beneficiary's liaison (or the secretariat) asks for assistance.
    const notTheirs = await step('liaisonMli', 83, { type: 'post_request', capability: 'troops', quantity: 2, unit: 'company', where: { lat: 14.2, lon: 1.45 }, from: '2026-03-05', priority: 'critical' });
    expect(notTheirs.status).toBe(403);
    await ok('liaisonNer', 84, { type: 'post_request', capability: 'troops', quantity: 2, unit: 'company', where: { lat: 14.2, lon: 1.45, area: 'Tillabéri' }, from: '2026-03-05', priority: 'critical', text: 'Deux compagnies' });
    await ok('liaisonNer', 84, { type: 'post_request', capability: 'air_support', quantity: 4, unit: 'sorties', where: { area: 'Tillabéri region' }, from: '2026-03-05', until: '2026-03-20', priority: 'high' });

    const forOther = await step('liaisonMli', 85, { type: 'pledge', request: 'R1', party: 'BFA', quantity: 2, availableFrom: '2026-03-06' });
    expect(forOther.status).toBe(403);
    await ok('liaisonBfa', 90, { type: 'pledge', request: 'R1', party: 'BFA', quantity: 2, availableFrom: '2026-03-06', conditions: 'logistics from Niamey' });
    await ok('liaisonMli', 100, { type: 'pledge', request: 'R1', party: 'MLI', quantity: 1, availableFrom: '2026-03-07' });
    await ok('liaisonMli', 101, { type: 'answer_request', request: 'R2', party: 'MLI', reason: 'no aircraft available' });

    // The requesting side decides: Mali may not accept a pledge to Niger's request.
    const notRequester = await step('liaisonMli', 102, { type: 'accept_pledge', pledge: 'P1' });
    expect(notRequester.status).toBe(403);
    await ok('liaisonNer', 103, { type: 'accept_pledge', pledge: 'P1', reason: 'covers the need' });
    await ok('liaisonNer', 103.5, { type: 'decline_pledge', pledge: 'P2', reason: 'R1 covered by P1' });

    const tooMany = await step('liaisonBfa', 110, { type: 'report_deployment', pledge: 'P1', status: 'in_transit', at: '2026-03-06T06:00:00Z', quantity: 3 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.code).toBe('over_pledge');
    await ok('liaisonBfa', 110, { type: 'report_deployment', pledge: 'P1', status: 'in_transit', at: '2026-03-06T06:00:00Z', quantity: 2, personnel: 300 });
    let c = await ok('liaisonBfa', 120, { type: 'update_deployment', deployment: 'D1', status: 'on_site', at: '2026-03-06T15:00:00Z' });
    expect(c.requests[0].shortfall).toMatchObject({ requested: 2, delivered: 2, acceptedOutstanding: 0, shortfall: 0, pledges: ['P1'], deployments: ['D1'] });
    expect(c.requests[1].shortfall).toMatchObject({ requested: 4, delivered: 0, shortfall: 4 });
    const back = await step('liaisonBfa', 121, { type: 'update_deployment', deployment: 'D1', status: 'in_transit', at: '2026-03-06T16:00:00Z' });
    expect(back.status).toBe(409);

    // Burkina Faso never answers the air-support request: overdue from the clock at 84 + 72 h.
    now = hours(157);
    c = (await s.api('GET', `/api/v1/cases/${id}`)).body.case;
    expect(c.obligations.find((o: any) => o.party === 'BFA' && o.request === 'R2').status).toBe('overdue');
  });

  it('keeps restricted notes with their party on every route and on the feed', async () => {
    const mli = await listen('liaisonMli');
    const ner = await listen('liaisonNer');
    const shared = await s.api('POST', `/api/v1/cases/${id}/notes`, { as: 'liaisonNer', json: { text: 'Merci aux alliés.' } });
    expect(shared.status).toBe(201);
    const secret = await s.api('POST', `/api/v1/cases/${id}/notes`, { as: 'liaisonNer', json: { text: 'Position des unités : secret', restricted: true } });
    expect(secret.status).toBe(201);
    const forOther = await s.api('POST', `/api/v1/cases/${id}/notes`, { as: 'liaisonMli', json: { text: 'x', restricted: true, party: 'NER' } });
    expect(forOther.status).toBe(403);
    const seen = async (who: Who) => ((await s.api('GET', `/api/v1/cases/${id}/notes`, { as: who })).body.notes as any[]).map((n) => n.text);
    expect(await seen('liaisonMli')).toEqual(['Merci aux alliés.']);
    expect(await seen('liaisonBfa')).toEqual(['Merci aux alliés.']);
    expect(await seen('observer')).toEqual(['Merci aux alliés.']);
    expect(await seen('liaisonNer')).toEqual(['Merci aux alliés.', 'Position des unités : secret']);
    expect(await seen('secretariat')).toEqual(['Merci aux alliés.', 'Position des unités : secret']);
    // Neither the case, nor its history, nor the ledger shows it to another party.
    for (const path of [`/api/v1/cases/${id}`, '/api/v1/ledger', `/api/v1/cases/${id}/notes`]) {
      const r = await s.api('GET', path, { as: 'liaisonMli' });
      expect(r.text).not.toContain('secret');
    }
    // The feed: Niger's liaison hears both notes, Mali's only the shared one.
    await until(() => ner.text().includes('Position des unités'));
    expect(ner.text()).toContain('Merci aux alliés.');
    expect(mli.text()).toContain('Merci aux alliés.');
    expect(mli.text()).not.toContain('secret');
    mli.close();
    ner.close();
  });

  it('stands down, closes, and leaves every obligation and pledge accounted for', async () => {
    const moving = await step('secretariat', 160, { type: 'report_deployment', pledge: 'P1', status: 'preparing', at: '2026-03-08', quantity: 1 });
    expect(moving.status).toBe(403);
    await ok('secretariat', 200, { type: 'stand_down', reason: 'security restored in Tillabéri' });
    await ok('liaisonBfa', 210, { type: 'update_deployment', deployment: 'D1', status: 'withdrawn', at: '2026-03-09T10:00:00Z' });
    const c = await ok('secretariat', 220, { type: 'close', reason: 'forces home' });
    expect(c.state).toBe('closed');
    expect(c.transitions.map((t: any) => t.to)).toEqual(['opened', 'consultation', 'decided', 'active', 'standing_down', 'closed']);
    const status = Object.fromEntries(c.obligations.map((o: any) => [`${o.party} ${o.kind}${o.request ? ' ' + o.request : ''}`, o.status]));
    expect(status).toEqual({
      'BFA acknowledge': 'met',
      'MLI acknowledge': 'met_late',
      'BFA state_position': 'met',
      'MLI state_position': 'met_late',
      'NER state_position': 'met',
      'BFA answer_request R1': 'met',
      'MLI answer_request R1': 'met',
      'BFA answer_request R2': 'unmet',
      'MLI answer_request R2': 'met',
    });
    expect(c.pledges.map((p: any) => [p.id, p.party, p.state, p.honour])).toEqual([
      ['P1', 'BFA', 'accepted', 'honoured'],
      ['P2', 'MLI', 'declined', null],
    ]);
    const after = await step('secretariat', 221, { type: 'stand_down', reason: 'again' });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('case_state');
  });

  it('gives the compliance figures exactly, with the items each counts', async () => {
    const r = await s.api('GET', `/api/v1/cases/${id}/compliance`, { as: 'liaisonMli' });
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.parties.map((p: any) => [p.party, p]));
    const ids = (f: any) => f.items.map((i: any) => i.id);
    // Burkina Faso: acknowledged in 2 h, stated its position, pledged to R1, never answered R2.
    expect(ids(by.BFA.obligations.met)).toEqual(['O1', 'O3', 'O6']);
    expect(ids(by.BFA.obligations.metLate)).toEqual([]);
    expect(ids(by.BFA.obligations.unmet)).toEqual(['O8']);
    expect(ids(by.BFA.pledges.honoured)).toEqual(['P1']);
    expect(by.BFA.meanTimeToAcknowledgeHours).toBe(2);
    // Mali: acknowledged after 30 h (due 24 h) and stated its position at 80 h (due 75 h): both late; answered both requests.
    expect(ids(by.MLI.obligations.met)).toEqual(['O7', 'O9']);
    expect(ids(by.MLI.obligations.metLate)).toEqual(['O2', 'O4']);
    expect(by.MLI.obligations.unmet.count).toBe(0);
    expect(by.MLI.pledges.honoured.count + by.MLI.pledges.dishonoured.count).toBe(0);
    expect(ids(by.MLI.notAccepted)).toEqual(['P2']);
    expect(by.MLI.meanTimeToAcknowledgeHours).toBe(30);
    // Niger: its position, on time.
    expect(ids(by.NER.obligations.met)).toEqual(['O5']);
    expect(by.MLI.text.en).toBe('MLI: obligations 2 met, 2 met late, 0 unmet; accepted pledges 0 honoured, 0 partly, 0 dishonoured; mean time to acknowledge 30 h.');

    const period = await s.api('GET', '/api/v1/compliance?party=BFA&from=2026-03-01&to=2026-03-31', { as: 'observer' });
    expect(period.status).toBe(200);
    expect(period.body).toMatchObject({ party: 'BFA', cases: [id], excludedExercises: [] });
    expect(period.body.obligations.unmet.count).toBe(1);
    const before = await s.api('GET', '/api/v1/compliance?party=BFA&from=2026-02-01&to=2026-02-28', { as: 'observer' });
    expect(before.body.cases).toEqual([]);
    expect((await s.api('GET', '/api/v1/compliance?party=BFA&from=2026-03-31&to=2026-03-01')).status).toBe(400);
  });

  it('exports the case as JSON and as a printable French report, without another party\'s restricted notes', async () => {
    const html = await s.api('GET', `/api/v1/cases/${id}/export?format=html&lang=fr`, { as: 'liaisonMli' });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.text).toContain('<html lang="fr">');
    expect(html.text).toContain("Demandes d'assistance".replace("'", '&#39;'));
    expect(html.text).toContain('Respect des obligations');
    expect(html.text).toContain('Merci aux alliés.');
    expect(html.text).not.toContain('secret');
    const ner = await s.api('GET', `/api/v1/cases/${id}/export?format=html`, { as: 'liaisonNer' });
    expect(ner.text).toContain('Position des unités');
    const json = await s.api('GET', `/api/v1/cases/${id}/export?format=json`, { as: 'observer' });
    const doc = JSON.parse(json.text);
    expect(doc).toMatchObject({ exercise: false, case: { id, state: 'closed' } });
    expect(doc.notes.map((n: any) => n.text)).toEqual(['Merci aux alliés.']);
  });

  it('answers the CLI on the same store: cases list, show, export and compliance', async () => {
    if (s.config.dialect !== 'sqlite') return; // the CLI reaches a test schema of PostgreSQL only through the test's own config
    const db = s.config.path;
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--db', db], { encoding: 'utf8', env: { ...process.env, FOEDUS_FROM_SOURCE: '1' } });
    const list = run('cases', 'list', '--party', 'NER');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^\\s+${id}\\s+closed\\s+aes-2023 art\\. 6 for NER \\(BFA, MLI, NER\\)`, 'm'));
    const show = run('cases', 'show', String(id), '--lang', 'fr');
    expect(show.stdout).toContain('O2   MLI accuser réception — Échéance 2026-03-02T08:00:00.000Z — rempli en retard');
    const html = run('cases', 'export', String(id), '--format', 'html', '--lang', 'fr');
    expect(html.stdout).toContain('Respect des obligations');
    expect(html.stdout).not.toContain('secret');
    const comp = run('compliance', '--party', 'MLI', '--from', '2026-03-01', '--to', '2026-03-31');
    expect(comp.stdout).toContain('MLI: obligations 2 met, 2 met late, 0 unmet');
    const bad = run('compliance', '--party', 'Mali', '--from', '2026-03-01', '--to', '2026-03-31');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = run('cases', 'show', '999');
    expect(missing.status).toBe(2);
  });

  it('records every step in the ledger, and the chain verifies', async () => {
    const l = await s.api('GET', `/api/v1/ledger?target=case:${id}&limit=100`, { as: 'secretariat' });
    expect(l.status).toBe(200);
    const actions = (l.body.entries as any[]).map((e) => e.action);
    expect(actions[0]).toBe('case.opened');
    expect(actions).toContain('case.record_decision');
    expect(actions.at(-1)).toBe('case.close');
    expect(actions.filter((a) => a.startsWith('case.') && a !== 'case.note')).toHaveLength(version);
    const v = await s.api('GET', '/api/v1/ledger/verify', { as: 'secretariat' });
    expect(v.body.ok).toBe(true);
  });

  it('sent every case event to the webhook, signed, and never a restricted note', async () => {
    await until(() => received.some((r) => r.body.includes('"case.close"') || r.body.includes('"to":"closed"')));
    const types = received.map((r) => JSON.parse(r.body).type as string);
    for (const t of ['case.opened', 'case.state_changed', 'case.position', 'case.obligation', 'case.request', 'case.pledge', 'case.deployment', 'case.note']) expect(types).toContain(t);
    expect(types.filter((t) => t === 'case.note')).toHaveLength(1);
    for (const r of received) {
      expect(r.body).not.toContain('secret');
      expect(verifySignature(secret, r.body, r.signature, Math.floor(Date.now() / 1000))).toEqual({ ok: true });
    }
    const opened = JSON.parse(received.find((r) => JSON.parse(r.body).type === 'case.opened')!.body);
    expect(opened.data).toMatchObject({ case: id, state: 'opened', exercise: false, charter: 'aes-2023', beneficiary: 'NER', obligated: ['BFA', 'MLI'] });
  });
});
