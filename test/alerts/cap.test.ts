import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAP_1_2 } from '@dec112/cap-ts';
import { convert } from 'xmlbuilder2';
import { ATOM_NAMESPACE, CAP_MEDIA_TYPE, capAtomFeed, capDateTime, caseAlerts, isCapToken, xmlSafeText, type CaseAlertSource, type CaseAlertStep } from '../../src/alerts/index.ts';

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

  it('CAP dates: seconds, UTC written -00:00 (CAP 1.2 §3.2.1), never +00:00, Z nor fractions', () => {
    expect(capDateTime('2024-03-10T08:15:30.999Z')).toBe('2024-03-10T08:15:30-00:00');
    expect(capDateTime('2024-03-10T09:15:30+01:00')).toBe('2024-03-10T08:15:30-00:00');
    expect(capDateTime('2024-03-10T01:15:30-07:00')).toBe('2024-03-10T08:15:30-00:00');
    expect(() => capDateTime('yesterday')).toThrow(/not a date-time/);
    // Without an offset the instant would depend on the server's time zone.
    expect(() => capDateTime('2024-03-10T08:15:30')).toThrow(/not a date-time/);
    expect(() => capDateTime('2024-03-10')).toThrow(/not a date-time/);
  });

  it('every time in every alert, sent and the references triples, is in UTC as -00:00', () => {
    for (const a of alerts) {
      expect(a.sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-00:00$/);
      expect(a.xml).not.toContain('+00:00');
      // A time element (sent, effective, onset, expires) never ends in Z or carries fractions.
      for (const m of a.xml.matchAll(/<(sent|effective|onset|expires)>([^<]*)</g)) expect(m[2]).toMatch(/T\d\d:\d\d:\d\d-00:00$/);
    }
    const refs = /<references>([^<]*)</.exec(alerts[2]!.xml)![1]!;
    for (const triple of refs.split(' ')) expect(triple).toMatch(/^foedus@aes-secretariat,foedus-case-[^,]+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-00:00$/);
  });
});

/** The names of an info's child elements, in document order. */
function infoChildren(xml: string): string[][] {
  return [...xml.matchAll(/<info>([\s\S]*?)<\/info>/g)].map((m) => [...m[1]!.matchAll(/^\s*<(\w+)>/gm)].map((c) => c[1]!));
}

const step = (s: CaseAlertStep['step'], at: string): CaseAlertStep => ({ step: s, at, text: { fr: `Étape ${s}.`, en: `Step ${s}.` } });

describe('the message types, status, scope and response of a case’s alerts', () => {
  it('every info: fr-FR then en-US, the mandatory elements in the schema’s order', () => {
    for (const a of caseAlerts(niger, SENDER)) {
      for (const children of infoChildren(a.xml)) {
        expect(children.slice(0, 8)).toEqual(['language', 'category', 'event', 'responseType', 'urgency', 'severity', 'certainty', 'senderName']);
      }
      expect([...a.xml.matchAll(/<language>([^<]*)</g)].map((m) => m[1])).toEqual(['fr-FR', 'en-US']);
    }
  });

  it('responseType: Prepare at activation, Execute after the decision, AllClear at the stand-down, None when cancelled', async () => {
    const R = CAP_1_2.Alert_info_list_info_responseType_list_responseType;
    const responses = async (src: CaseAlertSource) => (await Promise.all(caseAlerts(src, SENDER).map((a) => CAP_1_2.Alert.fromXML(a.xml))))
      .map((p) => p.info_list.map((i) => i.responseType_list));
    expect(await responses(niger)).toEqual([[[R.prepare], [R.prepare]], [[R.execute], [R.execute]], [[R.allClear], [R.allClear]]]);
    const declined = { ...niger, steps: [niger.steps[0]!, step('declined', '2024-03-12T00:00:00Z')] };
    expect((await responses(declined))[1]).toEqual([[R.none], [R.none]]);
  });

  it('status Actual for a real case and Exercise for an exercise, on every alert; always Restricted with its restriction', async () => {
    for (const exercise of [false, true]) {
      const parsed = await Promise.all(caseAlerts({ ...niger, exercise }, SENDER).map((a) => CAP_1_2.Alert.fromXML(a.xml)));
      for (const p of parsed) {
        expect(p.status).toBe(exercise ? CAP_1_2.Alert_status.exercise : CAP_1_2.Alert_status.actual);
        expect(p.scope).toBe(CAP_1_2.Alert_scope.restricted);
        expect(p.restriction).toMatch(/liaison officers.*officiers de liaison/);
      }
    }
  });

  it('a declined case: Alert, Update, then Cancel referencing both earlier alerts, each valid', async () => {
    const alerts = caseAlerts({ ...niger, steps: [niger.steps[0]!, niger.steps[1]!, step('declined', '2024-03-12T10:00:00Z')] }, SENDER);
    for (const a of alerts) expect(xmllint(a.xml, XSD).ok).toBe(true);
    expect(alerts.map((a) => a.msgType)).toEqual(['Alert', 'Update', 'Cancel']);
    const cancel = await CAP_1_2.Alert.fromXML(alerts[2]!.xml);
    expect(cancel.references).toBe(alerts.slice(0, 2).map((a) => `${a.sender},${a.identifier},${a.sent}`).join(' '));
    expect(cancel.info_list[0]!.urgency).toBe(CAP_1_2.Alert_info_list_info_urgency.past);
  });

  it('refuses steps that do not start with the one activation (an Update must reference its Alert)', () => {
    expect(() => caseAlerts({ ...niger, steps: [niger.steps[1]!] }, SENDER)).toThrow(/activation must be the first/);
    expect(() => caseAlerts({ ...niger, steps: [niger.steps[0]!, niger.steps[0]!] }, SENDER)).toThrow(/activation must be the first/);
    expect(caseAlerts({ ...niger, steps: [] }, SENDER)).toEqual([]);
  });
});

describe('what CAP forbids in a sender or an identifier is refused, not rewritten', () => {
  it('a sender with a space, a comma, < or &, or empty, throws a clear error', () => {
    for (const id of ['foedus aes', 'foedus,aes', 'foedus<aes', 'foedus&aes', '', 'foedus\taes', 'foedus\u0001aes']) {
      expect(isCapToken(id)).toBe(false);
      expect(() => caseAlerts(niger, { ...SENDER, id })).toThrow(/CAP sender .* is not allowed: .*spaces, commas, < or &/);
    }
    expect(isCapToken('foedus@aes-secretariat')).toBe(true);
  });

  it('an identifier that would hold one (from the case id) throws too', () => {
    expect(() => caseAlerts({ ...niger, caseId: 'case 7' }, SENDER)).toThrow(/CAP identifier "foedus-case-case 7-1" is not allowed/);
    expect(() => caseAlerts({ ...niger, caseId: 'a,b' }, SENDER)).toThrow(/CAP identifier/);
  });

  it('the incident id: quoted when it has whitespace (CAP incidents), left out when it cannot be written or the incident is hypothetical', async () => {
    const incidents = async (id: string | null) => (await CAP_1_2.Alert.fromXML(caseAlerts({ ...niger, incident: { ...niger.incident, id } }, SENDER)[0]!.xml)).incidents;
    expect(await incidents('acled 12345')).toBe('"acled 12345"');
    expect(await incidents('say "hi"')).toBeUndefined();
    expect(await incidents(null)).toBeUndefined();
  });
});

describe('text is cleaned of what XML cannot carry, so every alert is well-formed', () => {
  const C0 = '\u0000\u0001\u0008\u000B\u000C\u001B\u001F';
  const loneHigh = '\uD83D';
  const loneLow = '\uDE00';

  it('xmlSafeText drops C0 controls but tab, newline, CR; lone surrogates and U+FFFE/U+FFFF become U+FFFD; pairs are kept', () => {
    expect(xmlSafeText(`a${C0}b\t\n\rc`)).toBe('ab\t\n\rc');
    expect(xmlSafeText(`x${loneHigh}y${loneLow}z\uFFFE`)).toBe('x\uFFFDy\uFFFDz\uFFFD');
    expect(xmlSafeText('flag 🇳🇪 and 😀')).toBe('flag 🇳🇪 and 😀');
    expect(xmlSafeText(`${loneLow}${loneHigh}`)).toBe('\uFFFD\uFFFD');
  });

  it('descriptions, headline, event, parameters and area description with such characters still validate, read back cleaned', async () => {
    const dirty = (s: string) => `${s}${C0}${loneHigh}|${loneLow}`;
    const src: CaseAlertSource = {
      ...niger,
      incident: { ...niger.incident, id: `manual${C0}:1`, place: { fr: dirty('Tillabéri'), en: dirty('Tillaberi') } },
      charter: { ...niger.charter, name: { fr: dirty('Charte'), en: dirty('Charter') } },
      article: dirty('6'),
      provisionTitle: { fr: dirty('Art. 6'), en: dirty('Art. 6') },
      beneficiary: dirty('NER'),
      steps: [{ step: 'activation', at: '2024-03-10T08:15:30Z', text: { fr: dirty('Ouvert\tici\n'), en: dirty('Opened 😀') } }],
    };
    const [alert] = caseAlerts(src, { ...SENDER, name: dirty('Centre') });
    const wellFormed = xmllint(alert!.xml);
    expect(wellFormed.out).toBe('');
    expect(wellFormed.ok).toBe(true);
    expect(xmllint(alert!.xml, XSD).ok).toBe(true);
    const [fr, en] = (await CAP_1_2.Alert.fromXML(alert!.xml)).info_list;
    expect(fr!.description).toBe('Ouvert\tici\n\uFFFD|\uFFFD');
    expect(en!.description).toBe('Opened 😀\uFFFD|\uFFFD');
    expect(en!.event).toBe('Art. 6\uFFFD|\uFFFD');
    expect(en!.headline).toBe('Activation: Charter\uFFFD|\uFFFD, Art. 6\uFFFD|\uFFFD (beneficiary NER\uFFFD|\uFFFD)');
    expect(en!.senderName).toBe('Centre\uFFFD|\uFFFD');
    expect(en!.parameter_list.find((p) => p.valueName === 'article')!.value).toBe('6\uFFFD|\uFFFD');
    expect(en!.area_list[0]!.areaDesc).toBe('Tillaberi\uFFFD|\uFFFD');
    expect([...alert!.headline.en].filter((c) => c < ' ')).toEqual([]);
  });

  it('a coordinate too small for plain decimals is still written as the schema wants (no exponent)', () => {
    const [alert] = caseAlerts({ ...niger, incident: { ...niger.incident, lat: 1e-7, lon: -0.0000004 } }, SENDER);
    expect(alert!.xml).toContain('<circle>0,0 10</circle>');
    expect(xmllint(alert!.xml, XSD).ok).toBe(true);
    expect(() => caseAlerts({ ...niger, incident: { ...niger.incident, lat: 91 } }, SENDER)).toThrow(/WGS 84/);
  });
});

type XmlObject = Record<string, unknown>;
const asList = (v: unknown): XmlObject[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]) as XmlObject[];

/**
 * What RFC 4287 requires of the feed, read back from the XML (there is no XSD for
 * Atom, only RELAX NG in compact form): the Atom namespace throughout; feed and
 * entries with exactly one id (an absolute IRI), title and updated (RFC 3339, §3.3);
 * an author; each entry without content linking its alternate (§4.1.2), here the CAP
 * document. Returns what is wrong, nothing when all is right.
 */
function atomProblems(xml: string): string[] {
  if (!xmllint(xml).ok) return ['not well-formed'];
  const problems: string[] = [];
  if (xml.includes('xmlns=""')) problems.push('an element outside the Atom namespace');
  const { feed } = convert(xml, { format: 'object' }) as { feed: XmlObject };
  if (feed['@xmlns'] !== ATOM_NAMESPACE) problems.push('the root is not an Atom feed');
  if (asList(feed['author']).length !== 1) problems.push('feed: needs an author');
  const entries = asList(feed['entry']);
  for (const [where, el] of [['feed', feed], ...entries.map((e, i) => [`entry ${i + 1}`, e] as const)] as const) {
    for (const name of ['id', 'title', 'updated']) if (typeof el[name] !== 'string') problems.push(`${where}: needs exactly one ${name}`);
    if (!/^[a-z][a-z\d+.-]*:[^\s"<>\\^`{|}]+$/i.test(String(el['id']))) problems.push(`${where}: id is not an absolute IRI`);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(String(el['updated']))) problems.push(`${where}: updated is not RFC 3339`);
  }
  for (const [i, e] of entries.entries()) {
    const links = asList(e['link']).filter((l) => (l['@rel'] ?? 'alternate') === 'alternate');
    if (e['content'] === undefined && !links.some((l) => l['@type'] === CAP_MEDIA_TYPE && typeof l['@href'] === 'string')) {
      problems.push(`entry ${i + 1}: no content and no alternate link to its CAP document`);
    }
  }
  return problems;
}

const FEED = { id: 'urn:foedus:cap', self: '/api/v1/cap.atom', title: 'Foedus CAP alerts', author: SENDER.name, now: '2024-05-01T00:00:00Z' };
const hrefOf = (caseId: string, identifier: string) => `/api/v1/cases/${caseId}/alerts/${identifier}/cap.xml`;

describe('the Atom feed of alerts', () => {
  it('is valid Atom, newest first, each entry linking to its CAP XML', () => {
    const alerts = caseAlerts(niger, SENDER);
    const xml = capAtomFeed(alerts.map((a) => ({ alert: a, href: hrefOf(niger.caseId, a.identifier) })), FEED);
    expect(atomProblems(xml)).toEqual([]);
    const doc = convert(xml, { format: 'object' }) as { feed: { entry: Array<{ id: string; title: string; updated: string; link: { '@type': string; '@href': string } }>; updated: string } };
    // Atom's own RFC 3339 dates: CAP's -00:00 rule does not govern the feed.
    expect(doc.feed.entry.map((e) => e.updated)).toEqual(['2024-04-01T12:00:00Z', '2024-03-11T09:00:00Z', '2024-03-10T08:15:30Z']);
    expect(doc.feed.updated).toBe('2024-04-01T12:00:00Z');
    expect(doc.feed.entry.map((e) => e.link['@href'])).toEqual([...alerts].reverse().map((a) => hrefOf(niger.caseId, a.identifier)));
    expect(doc.feed.entry[0]!.link['@type']).toBe('application/cap+xml');
    expect(doc.feed.entry[2]!.id).toBe(`urn:cap:foedus%40aes-secretariat:${alerts[0]!.identifier}`);
    expect(doc.feed.entry[2]!.title).toBe(`${alerts[0]!.headline.en} / ${alerts[0]!.headline.fr}`);
    expect(new Set(doc.feed.entry.map((e) => e.id)).size).toBe(3);
  });

  it('the check refuses what RFC 4287 refuses (the tests would catch a broken feed)', () => {
    const xml = capAtomFeed(caseAlerts(niger, SENDER).map((a) => ({ alert: a, href: hrefOf(niger.caseId, a.identifier) })), FEED);
    expect(atomProblems(xml.replace(/<id>urn:cap:[^<]*<\/id>/, ''))).toEqual(['entry 1: needs exactly one id', 'entry 1: id is not an absolute IRI']);
    expect(atomProblems(xml.replace('<updated>2024-04-01T12:00:00Z', '<updated>2024-04-01 12:00'))).toContain('feed: updated is not RFC 3339');
    expect(atomProblems(xml.replace(/<link rel="alternate"[^>]*\/>/, ''))).toEqual(['entry 1: no content and no alternate link to its CAP document']);
    expect(atomProblems(xml.replace(/<author>[\s\S]*?<\/author>/, ''))).toEqual(['feed: needs an author']);
  });

  it('an exercise case’s entries say so in their title, in English and in French', () => {
    const drill = caseAlerts({ ...niger, exercise: true }, SENDER);
    const xml = capAtomFeed(drill.map((a) => ({ alert: a, href: hrefOf(niger.caseId, a.identifier) })), FEED);
    expect(atomProblems(xml)).toEqual([]);
    const titles = [...xml.matchAll(/<entry>[\s\S]*?<title>([^<]*)<\/title>/g)].map((m) => m[1]!);
    expect(titles).toHaveLength(3);
    for (const t of titles) expect(t).toMatch(/^EXERCISE — .* \/ EXERCICE — /);
    // A real case's titles do not.
    const real = capAtomFeed(caseAlerts(niger, SENDER).map((a) => ({ alert: a, href: hrefOf(niger.caseId, a.identifier) })), FEED);
    expect(real).not.toMatch(/EXERCI[SC]E/);
  });

  it('entry ids stay valid IRIs whatever characters CAP allows in the sender', () => {
    const alerts = caseAlerts(niger, { ...SENDER, id: 'ops|"aes"%{x}' });
    const xml = capAtomFeed(alerts.map((a) => ({ alert: a, href: hrefOf(niger.caseId, a.identifier) })), FEED);
    expect(atomProblems(xml)).toEqual([]);
  });

  it('without alerts is still a valid feed, dated now', () => {
    const xml = capAtomFeed([], { ...FEED, now: '2024-05-01T00:00:00.5Z' });
    expect(atomProblems(xml)).toEqual([]);
    expect(xml).toContain('<updated>2024-05-01T00:00:00Z</updated>');
  });
});
