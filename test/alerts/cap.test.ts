import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAP_1_2 } from '@dec112/cap-ts';
import { convert } from 'xmlbuilder2';
import { capAtomFeed, capDateTime, caseAlerts, type CaseAlertSource } from '../../src/alerts/index.ts';

/**
 * Every alert is checked three ways: against an XSD written from the CAP 1.2 data
 * dictionary (xmllint, Debian's libxml2-utils), read back by an independent CAP library
 * (@dec112/cap-ts), and for the rules the XSD cannot say (references, Cancel, Exercise).
 */

const XSD = fileURLToPath(new URL('./cap-1.2.xsd', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'foedus-cap-'));
const SENDER = { id: 'foedus@aes-secretariat', name: 'AES — Foedus operations centre' };

function xmllint(xml: string, schema?: string): { ok: boolean; out: string } {
  const file = join(DIR, `doc-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const args = ['--noout', ...(schema ? ['--schema', schema] : []), file];
  const r = spawnSync('xmllint', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint could not run (${r.error.message}): apt-get install libxml2-utils`);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const niger: CaseAlertSource = {
  caseId: 'c0ffee00-1111-4222-8333-444455556666',
  exercise: false,
  incident: { id: 'manual:2024-0042', date: '2024-03-10', country: 'NER', lat: 14.3, lon: 1.45, place: { fr: 'Tillabéri', en: 'Tillabéri' } },
  charter: { id: 'aes-2023', version: '1.2.0', name: { fr: 'Charte du Liptako-Gourma', en: 'Liptako-Gourma Charter' } },
  article: '6',
  provisionTitle: { fr: 'Art. 6 — défense collective', en: 'Art. 6 — collective defence' },
  beneficiary: 'NER',
  obligated: ['BFA', 'MLI'],
  steps: [
    { step: 'activation', at: '2024-03-10T08:15:30.123Z', text: { fr: 'Dossier ouvert : <attaque> & riposte "armée".', en: 'Case opened: <attack> & "armed" response.' } },
    { step: 'decision', at: '2024-03-11T09:00:00Z', text: { fr: 'Décision à l’unanimité : assistance.', en: 'Unanimous decision: assist.' } },
    { step: 'stand_down', at: '2024-04-01T12:00:00Z', text: { fr: 'Fin de l’engagement.', en: 'Stand-down.' } },
  ],
};

describe('CAP 1.2 alerts of a case', () => {
  const alerts = caseAlerts(niger, SENDER);

  it('are valid against the CAP 1.2 schema, each of them', () => {
    expect(alerts).toHaveLength(3);
    for (const a of alerts) {
      const r = xmllint(a.xml, XSD);
      expect(r.out).toContain('validates');
      expect(r.ok).toBe(true);
    }
  });

  it('the schema refuses what CAP refuses (the test would catch a broken alert)', () => {
    const bad = alerts[0]!.xml.replace(/<sent>[^<]+<\/sent>/, '<sent>2024-03-10T08:15:30Z</sent>');
    expect(xmllint(bad, XSD).ok).toBe(false);
    const noScope = alerts[0]!.xml.replace(/<scope>[^<]+<\/scope>/, '');
    expect(xmllint(noScope, XSD).ok).toBe(false);
  });

  it('read back by an independent CAP library, with every field as sent', async () => {
    const parsed = await Promise.all(alerts.map((a) => CAP_1_2.Alert.fromXML(a.xml)));
    const first = parsed[0]!;
    expect(first.identifier).toBe(alerts[0]!.identifier);
    expect(first.sender).toBe('foedus@aes-secretariat');
    expect(first.sent).toBe('2024-03-10T08:15:30-00:00');
    expect(first.status).toBe(CAP_1_2.Alert_status.actual);
    expect(first.msgType).toBe(CAP_1_2.Alert_msgType.alert);
    expect(first.scope).toBe(CAP_1_2.Alert_scope.restricted);
    expect(first.restriction).toMatch(/liaison officers/);
    expect(first.incidents).toBe('manual:2024-0042');
    expect(first.references).toBeUndefined();
    expect(first.info_list.map((i) => i.language)).toEqual(['fr-FR', 'en-US']);
    const [fr, en] = first.info_list;
    expect(fr!.description).toBe('Dossier ouvert : <attaque> & riposte "armée".');
    expect(en!.headline).toBe('Activation: Liptako-Gourma Charter, Art. 6 — collective defence (beneficiary NER)');
    expect(Object.fromEntries(en!.parameter_list.map((p) => [p.valueName, p.value]))).toEqual({
      charter: 'aes-2023@1.2.0', article: '6', beneficiary: 'NER', obligated: 'BFA MLI', case: niger.caseId,
    });
    expect(en!.area_list[0]!.circle_list).toEqual(['14.3,1.45 10']);
    expect(en!.area_list[0]!.areaDesc).toBe('Tillabéri');

    // Then Update, Update, each referencing every earlier alert.
    expect(parsed.map((p) => p.msgType)).toEqual([CAP_1_2.Alert_msgType.alert, CAP_1_2.Alert_msgType.update, CAP_1_2.Alert_msgType.update]);
    expect(parsed[1]!.references).toBe(`foedus@aes-secretariat,${alerts[0]!.identifier},2024-03-10T08:15:30-00:00`);
    expect(parsed[2]!.references!.split(' ')).toEqual(alerts.slice(0, 2).map((a) => `foedus@aes-secretariat,${a.identifier},${a.sent}`));
    expect(parsed[2]!.info_list[1]!.urgency).toBe(CAP_1_2.Alert_info_list_info_urgency.past);
  });

  it('an exercise says so in status and headline; a withdrawn case cancels its alerts', async () => {
    const drill = caseAlerts({
      ...niger,
      exercise: true,
      incident: { ...niger.incident, lat: null, lon: null, place: null },
      steps: [niger.steps[0]!, { step: 'withdrawn', at: '2024-03-10T10:00:00Z', text: { fr: 'Ouvert par erreur.', en: 'Opened in error.' } }],
    }, SENDER);
    for (const a of drill) expect(xmllint(a.xml, XSD).ok).toBe(true);
    const [open, cancel] = await Promise.all(drill.map((a) => CAP_1_2.Alert.fromXML(a.xml)));
    expect(open!.status).toBe(CAP_1_2.Alert_status.exercise);
    expect(open!.info_list[0]!.headline).toMatch(/^EXERCICE — /);
    expect(open!.note).toMatch(/Exercise/);
    expect(cancel!.msgType).toBe(CAP_1_2.Alert_msgType.cancel);
    // No point: the country stands for the area.
    expect(cancel!.info_list[0]!.area_list[0]!.circle_list ?? []).toEqual([]);
    expect(cancel!.info_list[0]!.area_list[0]!.geocode_list).toEqual([{ valueName: 'ISO 3166-1 alpha-3', value: 'NER' }]);
  });

  it('CAP dates: seconds and an explicit offset, never Z nor fractions', () => {
    // CAP 1.2 §3.3.2: UTC is "-00:00", never "+00:00" nor "Z".
    expect(capDateTime('2024-03-10T08:15:30.999Z')).toBe('2024-03-10T08:15:30-00:00');
    expect(capDateTime('2024-03-10T09:15:30+01:00')).toBe('2024-03-10T08:15:30-00:00');
    expect(() => capDateTime('yesterday')).toThrow(/not a date-time/);
  });
});

describe('the Atom feed of alerts', () => {
  it('is well-formed Atom, newest first, each entry linking to its CAP XML', () => {
    const alerts = caseAlerts(niger, SENDER);
    const xml = capAtomFeed(alerts.map((a) => ({ alert: a, href: `/api/v1/cases/${niger.caseId}/cap.xml#${a.identifier}` })), {
      id: 'urn:foedus:cap', self: '/api/v1/cap.atom', title: 'Foedus CAP alerts', sender: SENDER.id, now: '2024-05-01T00:00:00Z',
    });
    expect(xmllint(xml).ok).toBe(true);
    const doc = convert(xml, { format: 'object' }) as { feed: { entry: Array<{ id: string; updated: string; link: { '@type': string; '@href': string } }>; updated: string } };
    expect(doc.feed.entry.map((e) => e.updated)).toEqual(['2024-04-01T12:00:00Z', '2024-03-11T09:00:00Z', '2024-03-10T08:15:30Z']);
    expect(doc.feed.updated).toBe('2024-04-01T12:00:00Z');
    expect(doc.feed.entry[0]!.link['@type']).toBe('application/cap+xml');
    expect(new Set(doc.feed.entry.map((e) => e.id)).size).toBe(3);
  });

  it('without alerts is still a valid feed, dated now', () => {
    const xml = capAtomFeed([], { id: 'urn:foedus:cap', self: '/api/v1/cap.atom', title: 'Foedus CAP alerts', sender: SENDER.id, now: '2024-05-01T00:00:00.5Z' });
    expect(xmllint(xml).ok).toBe(true);
    expect(xml).toContain('<updated>2024-05-01T00:00:00Z</updated>');
  });
});
