import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { incidentSchema } from '../incident.ts';
import type { IncidentRecord } from '../record.ts';
import { isRowError } from '../reject.ts';
import { mapAcledRow, parseAcledDate } from './mapper.ts';
import { ACLED_TABLE, lookupSubEvent, parseInter, stateOfActor } from './taxonomy.ts';
import { readAcledCsv, type AcledLine, type RowError } from './wire.ts';

// Hand-made rows in ACLED's documented format (no real ACLED data may be shipped): fixtures/README.md.
const FIXTURE = new URL('./fixtures/acled-sample.csv', import.meta.url);
const NOW = '2026-11-28T05:00:00.000Z';

const lines: AcledLine[] = [];
const byId = new Map<string, IncidentRecord | RowError>();
function rec(id: string): IncidentRecord {
  const r = byId.get(id);
  if (!r || isRowError(r)) throw new Error(`${id}: ${JSON.stringify(r)}`);
  return r;
}

beforeAll(async () => {
  for await (const l of readAcledCsv(createReadStream(FIXTURE), 'acled-sample.csv')) {
    lines.push(l);
    if (l.row) byId.set(l.row.event_id_cnty, mapAcledRow(l.row, l.line, NOW));
  }
});

describe('ACLED taxonomy table', () => {
  it('covers the 6 event types and 25 sub-event types, each with a reason', () => {
    expect(Object.keys(ACLED_TABLE)).toHaveLength(6);
    const subs = Object.values(ACLED_TABLE).flatMap((s) => Object.values(s));
    expect(subs).toHaveLength(25);
    for (const s of subs) expect(s.reason.length).toBeGreaterThan(10);
  });
  it('matches names loosely (case, "protestors", "Strategic Developments")', () => {
    expect(lookupSubEvent('Strategic Developments', 'looting/property destruction')?.subEventType).toBe('Looting/property destruction');
    expect(lookupSubEvent('Protests', 'Excessive force against protestors')?.subEventType).toBe('Excessive force against protesters');
    expect(lookupSubEvent('Riots', 'Armed clash')).toBeUndefined();
  });
  it('reads inter codes as numbers or text', () => {
    expect(parseInter('1')).toBe(1);
    expect(parseInter('State forces')).toBe(1);
    expect(parseInter('Rebel group')).toBe(2);
    expect(parseInter('External/Other forces')).toBe(8);
    expect(parseInter('')).toBeNull();
    expect(parseInter('9')).toBeUndefined();
    expect(parseInter('Soldiers')).toBeUndefined();
  });
  it('knows the state behind a forces actor', () => {
    expect(stateOfActor('Military Forces of Mali (2021-)')).toBe('MLI');
    expect(stateOfActor('Police Forces of Burkina Faso (2022-) Gendarmerie')).toBe('BFA');
    expect(stateOfActor('Military Forces of the United States')).toBe('USA');
    expect(stateOfActor('Wagner Group')).toBeUndefined();
  });
  it('reads both date forms', () => {
    expect(parseAcledDate('2023-08-15')).toBe('2023-08-15');
    expect(parseAcledDate('15 August 2023')).toBe('2023-08-15');
    expect(parseAcledDate('5-Aug-2023')).toBe('2023-08-05');
    expect(parseAcledDate('31 April 2023')).toBeNull();
    expect(parseAcledDate('08/15/2023')).toBeNull();
  });
});

describe('readAcledCsv + mapAcledRow on the hand-made fixture', () => {
  it('reads every record with its start line (a quoted note spans two lines)', () => {
    expect(lines.map((l) => l.line)).toEqual([2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(lines.every((l) => l.row)).toBe(true);
  });

  it('gives valid engine incidents for every good row', () => {
    const good = [...byId.values()].filter((r): r is IncidentRecord => !isRowError(r));
    expect(good).toHaveLength(11);
    for (const r of good) expect(incidentSchema.safeParse(r.incident).success).toBe(true);
  });

  it('state forces vs JNIM: terrorist_attack, attacker not named', () => {
    const r = rec('MLI90001');
    expect(r.incident).toEqual({
      id: 'acled:MLI90001', date: '2023-08-15', kind: 'terrorist_attack',
      location: { country: 'MLI', lat: 15.044, lon: -1.946 },
      perpetrator: { type: 'unknown' },
      target: { type: 'armed_forces', country: 'MLI', deployed_abroad: false },
      fatalities: 5,
    });
    expect(r.source).toEqual({ dataset: 'acled', id: 'MLI90001', eventType: 'Battles', subEventType: 'Armed clash', timestamp: 1692748800 });
    expect(r.reports[0]!.sourceTimestamp).toBe(1692748800);
    expect(r.actors).toEqual([
      { name: 'Military Forces of Mali (2021-)', role: 'actor1', inter: 1, country: 'MLI' },
      { name: 'JNIM: Group for Support of Islam and Muslims', role: 'actor2', inter: 2 },
    ]);
    expect(r).toMatchObject({ admin1: 'Mopti', admin2: 'Douentza', placeName: 'Boni', locationPrecision: 'exact', datePrecision: 'day', sourcePrecision: { where: 1, date: 1 } });
    expect(r.admin1Derived).toBe('Mopti');
    expect(r).toMatchObject({ version: 1, assessment: null, createdAt: NOW, updatedAt: NOW, textLang: 'en' });
  });

  it('violence against civilians with one armed actor: that actor is the perpetrator (text inter codes, "DD Month YYYY" date)', () => {
    const r = rec('BFA90002');
    expect(r.incident).toMatchObject({
      date: '2023-08-15', kind: 'other',
      perpetrator: { type: 'non_state_armed_group', name: 'Unidentified Armed Group (Burkina Faso)' },
      target: { type: 'civilians', country: 'BFA' },
    });
    expect(r.sources).toEqual(['Fixture Source B', 'Fixture Source C']);
    expect(r.notes).toContain('three villagers,\nthen burned');
    expect(r.datePrecision).toBe('week');
    expect(r.actors.map((a) => a.inter)).toEqual([3, 7]);
  });

  it('never reads the attacker from column order: civilians in actor1, soldiers in actor2', () => {
    const r = rec('MLI90004');
    expect(r.incident.perpetrator).toEqual({ type: 'state', country: 'MLI', name: 'Military Forces of Mali (2021-)' });
    expect(r.incident.kind).toBe('other'); // a state's violence on its own territory
    expect(r.actors.map((a) => a.role)).toEqual(['actor1', 'actor2', 'assoc_actor_2']);
  });

  it('an IED between an armed group and soldiers: two armed actors, perpetrator unknown', () => {
    const r = rec('NER90003');
    expect(r.incident).toMatchObject({ kind: 'terrorist_attack', perpetrator: { type: 'unknown' }, target: { type: 'armed_forces', country: 'NER' } });
  });

  it('forces of two states: armed_attack, no attacker named', () => {
    const r = rec('MLI90006');
    expect(r.incident).toMatchObject({ kind: 'armed_attack', perpetrator: { type: 'unknown' }, target: { type: 'territory', country: 'MLI' } });
    expect(r.locationPrecision).toBe('near');
  });

  it("a state's strike on civilians across the border: armed_attack by that state", () => {
    const r = rec('MRT90009');
    expect(r.incident).toMatchObject({
      kind: 'armed_attack', location: { country: 'MRT' },
      perpetrator: { type: 'state', country: 'MLI' }, target: { type: 'civilians', country: 'MRT' },
    });
  });

  it('rebels overtaking territory: armed_rebellion by the rebel group', () => {
    expect(rec('MLI90007').incident).toMatchObject({
      kind: 'armed_rebellion', perpetrator: { type: 'rebel_group', name: 'CSP-PSD: Permanent Strategic Framework for Peace, Security and Development' },
      target: { type: 'territory', country: 'MLI' },
    });
  });

  it('protests, riots and strategic developments', () => {
    expect(rec('NER90005').incident).toMatchObject({ kind: 'civil_unrest', perpetrator: { type: 'unknown' }, target: { type: 'government', country: 'NER' } });
    expect(rec('NER90013').incident).toMatchObject({ kind: 'civil_unrest', target: { type: 'civilians' } });
    expect(rec('NER90013').source.subEventType).toBe('Excessive force against protesters');
    expect(rec('BFA90012').incident).toMatchObject({ kind: 'civil_unrest', target: { type: 'civilians' } });
    const sd = rec('BFA90008');
    expect(sd.incident).toMatchObject({ kind: 'other', perpetrator: { type: 'unknown' } });
    expect(sd).toMatchObject({ locationPrecision: 'admin1', datePrecision: 'month' });
  });

  it('reports bad rows with line and column', () => {
    expect(byId.get('MLI90010')).toEqual({ line: 12, column: 'event_date', reason: 'event_date "2023-02-30" is not a real date (YYYY-MM-DD or "15 August 2023")' });
    expect(byId.get('NER90011')).toMatchObject({ line: 13, column: 'inter1' });
  });

  it('reports other bad fields', () => {
    const row = lines[0]!.row!;
    expect(mapAcledRow({ ...row, sub_event_type: 'Ambush' }, 2, NOW)).toMatchObject({ column: 'sub_event_type' });
    expect(mapAcledRow({ ...row, event_type: 'War' }, 2, NOW)).toMatchObject({ column: 'event_type' });
    expect(mapAcledRow({ ...row, fatalities: '-1' }, 2, NOW)).toMatchObject({ column: 'fatalities' });
    expect(mapAcledRow({ ...row, latitude: '' }, 2, NOW)).toMatchObject({ column: 'latitude' });
    expect(mapAcledRow({ ...row, year: '2022' }, 2, NOW)).toMatchObject({ column: 'year' });
    expect(mapAcledRow({ ...row, timestamp: 'yesterday' }, 2, NOW)).toMatchObject({ column: 'timestamp' });
    expect(mapAcledRow({ ...row, iso: '', country: 'Atlantis' }, 2, NOW)).toMatchObject({ column: 'country' });
    expect(mapAcledRow({ ...row, iso: '', country: 'Mali' }, 2, NOW)).toMatchObject({ incident: { location: { country: 'MLI' } } });
  });

  it('accepts upper-case headers of older exports', async () => {
    const text = 'EVENT_ID_CNTY,EVENT_DATE,EVENT_TYPE,SUB_EVENT_TYPE,ACTOR1,INTER1,ACTOR2,INTER2,COUNTRY,LATITUDE,LONGITUDE,FATALITIES\n'
      + 'NER90020,2020-01-09,Battles,Armed clash,Military Forces of Niger (2011-2021),1,Islamic State (Greater Sahara),2,Niger,14.99,3.78,89\n';
    const out: AcledLine[] = [];
    for await (const l of readAcledCsv(Readable.from([text]))) out.push(l);
    const r = mapAcledRow(out[0]!.row!, out[0]!.line, NOW) as IncidentRecord;
    expect(r.incident).toMatchObject({ kind: 'terrorist_attack', location: { country: 'NER' }, fatalities: 89 });
    expect(r.locationPrecision).toBe('unknown');
    expect(r.source.timestamp).toBeNull();
  });
});
