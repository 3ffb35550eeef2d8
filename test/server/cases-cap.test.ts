/* eslint-disable @typescript-eslint/no-explicit-any -- the API's JSON answers are read loosely here */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAP_1_2 } from '@dec112/cap-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * The CAP 1.2 alerts of cases as the server serves them: each alert of a real case, an
 * exercise and a declined case is checked with `xmllint --schema` against the XSD kept in
 * test/alerts (written from the CAP 1.2 data dictionary) and read back with @dec112/cap-ts;
 * the Atom feed lists them all, newest first.
 */

const XSD = fileURLToPath(new URL('../alerts/cap-1.2.xsd', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'foedus-cases-cap-'));

function xmllint(xml: string, schema?: string): { ok: boolean; out: string } {
  const file = join(DIR, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', ...(schema ? ['--schema', schema] : []), file], { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint could not run (${r.error.message}): apt-get install libxml2-utils`);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const attack = { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' } };

describe('CAP alerts of cases, served', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => s?.close());

  async function open(body: Record<string, unknown>) {
    const r = await s.api('POST', '/api/v1/cases', { json: { charter: 'aes-2023', provision: '6.collective_defence', reason: 'confirmed', ...body } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.case;
  }
  async function steps(c: any, list: Array<[string, Record<string, unknown>]>) {
    let version = c.version;
    for (const [who, step] of list) {
      const r = await s.api('POST', `/api/v1/cases/${c.id}/steps`, { as: who as never, json: { version, step } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      version = r.body.case.version;
    }
  }
  const positions = (value: string): Array<[string, Record<string, unknown>]> => [
    ['secretariat', { type: 'start_consultation', reason: 'council' }],
    ['liaisonNer', { type: 'record_position', party: 'NER', value: 'support' }],
    ['liaisonBfa', { type: 'record_position', party: 'BFA', value: 'support' }],
    ['liaisonMli', { type: 'record_position', party: 'MLI', value }],
    ['secretariat', { type: 'record_decision', reason: 'council of heads of state' }],
  ];
  async function alert(id: number, n?: number) {
    const r = await s.api('GET', `/api/v1/cases/${id}/cap.xml${n ? `?alert=${n}` : ''}`, { as: 'liaisonMli' });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
    const lint = xmllint(r.text, XSD);
    expect(lint.ok, lint.out).toBe(true);
    const parsed = CAP_1_2.Alert.fromXML(r.text) as any;
    return { xml: r.text, parsed };
  }

  it('a real case: the activation, the decision and the stand-down, each valid, each referencing those before', async () => {
    const inc = await s.api('POST', '/api/v1/incidents', { json: { incident: attack } });
    const c = await open({ incidentId: inc.body.id });
    await steps(c, [...positions('support'), ['secretariat', { type: 'activate', reason: 'go' }], ['secretariat', { type: 'stand_down', reason: 'restored' }]]);
    const a1 = await alert(c.id, 1);
    const a2 = await alert(c.id, 2);
    const a3 = await alert(c.id);
    expect([a1, a2, a3].map((a) => /<msgType>(\w+)<\/msgType>/.exec(a.xml)![1])).toEqual(['Alert', 'Update', 'Update']);
    for (const a of [a1, a2, a3]) {
      expect(a.xml).toContain('<status>Actual</status>');
      expect(a.xml).toContain('<scope>Restricted</scope>');
      expect(a.xml).toContain(`<incidents>${inc.body.id}</incidents>`);
      expect(a.xml).toContain('<language>fr-FR</language>');
      expect(a.xml).toContain('<language>en-US</language>');
      expect(a.xml).toContain('<circle>14.2,1.45 10</circle>');
    }
    expect(a1.xml).not.toContain('<references>');
    expect((/<references>([^<]+)<\/references>/.exec(a3.xml)![1]!).split(' ')).toHaveLength(2);
    expect((await s.api('GET', `/api/v1/cases/${c.id}/cap.xml?alert=4`)).status).toBe(404);
    expect((await s.api('GET', `/api/v1/cases/${c.id}/cap.xml`, { as: null })).status).toBe(401);
  });

  it('an exercise on a hypothetical incident says Exercise; a declined case ends with a Cancel', async () => {
    const ex = await open({ incident: attack, exercise: true });
    const a = await alert(ex.id);
    expect(a.xml).toContain('<status>Exercise</status>');
    expect(a.xml).toMatch(/EXERCISE|EXERCICE/);
    const inc = await s.api('POST', '/api/v1/incidents', { json: { incident: { ...attack, date: '2026-03-02' } } });
    const no = await open({ incidentId: inc.body.id });
    await steps(no, positions('oppose'));
    const cancel = await alert(no.id);
    expect(cancel.xml).toContain('<msgType>Cancel</msgType>');
  });

  it('lists every alert in an Atom feed, newest first, each linking to its alert', async () => {
    const r = await s.api('GET', '/api/v1/cap.atom', { as: 'observer' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    expect(xmllint(r.text).ok).toBe(true);
    const hrefs = [...r.text.matchAll(/href="(\/api\/v1\/cases\/\d+\/cap\.xml\?alert=\d+)"/g)].map((m) => m[1]!);
    expect(hrefs).toHaveLength(6);
    for (const h of hrefs) expect((await s.api('GET', h)).status).toBe(200);
  });
});
