import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { incidentSchema } from '../incident.ts';
import { admin1At } from '../geo/index.ts';
import type { IncidentRecord } from '../record.ts';
import { isRowError, mapUcdpRow, parseUcdpDate } from './mapper.ts';
import { classifyActor, mapUcdpTaxonomy, ucdpCountryIso3 } from './taxonomy.ts';
import { readUcdpCsv, type UcdpLine, type UcdpRow } from './wire.ts';

const RAW = new URL('../../../../shared/data/ucdp_ged_sahel/raw/', import.meta.url);
const NOW = '2026-11-28T05:00:00.000Z';

async function readAll(file: string): Promise<UcdpLine[]> {
  const out: UcdpLine[] = [];
  for await (const r of readUcdpCsv(createReadStream(new URL(file, RAW)), file)) out.push(r);
  return out;
}

const rows = new Map<string, { file: string; line: number; row: UcdpRow }>();
function mapped(id: string): IncidentRecord {
  const r = rows.get(id);
  if (!r) throw new Error(`no row ${id}`);
  const m = mapUcdpRow(r.row, r.line, NOW);
  if (isRowError(m)) throw new Error(`${id}: ${m.reason}`);
  return m;
}

beforeAll(async () => {
  for (const file of ['ged_mali.csv', 'ged_burkina_faso.csv', 'ged_niger_repaired.csv', 'ged_senegal.csv', 'ged_cote_divoire.csv']) {
    for (const r of await readAll(file)) if (r.row) rows.set(r.row.id, { file, line: r.line, row: r.row });
  }
});

describe('readUcdpCsv (wire)', () => {
  it('reads every record of the real exports, with the line each starts on', async () => {
    const counts: Record<string, number> = {};
    for (const file of ['ged_mali.csv', 'ged_burkina_faso.csv', 'ged_niger_repaired.csv']) {
      const lines = readFileSync(new URL(file, RAW), 'utf8').split('\n');
      const recs = await readAll(file);
      expect(recs.filter((r) => r.error)).toEqual([]);
      counts[file] = recs.length;
      for (const r of recs) expect(lines[r.line - 1]!.startsWith(`${r.row!.id},`)).toBe(true);
    }
    // SOURCE.md: 2,120 / 1,504 / 588 records (on 2,804 / 1,958 / 831 physical lines).
    expect(counts).toEqual({ 'ged_mali.csv': 2120, 'ged_burkina_faso.csv': 1504, 'ged_niger_repaired.csv': 588 });
  });

  it('drops the trailing empty 48th field and keeps repair_status of the Niger file', () => {
    const mali = rows.get('235799')!.row;
    expect(Object.keys(mali)).toHaveLength(47);
    expect(mali.low_est).toBe('2');
    expect(rows.get('487942')!.row.repair_status).toBe('intact');
  });

  it('keeps a multi-line quoted field whole (Mali 464536, where_description over 7 lines)', () => {
    const r = rows.get('464536')!;
    expect(r.row.where_description.split('\n')).toHaveLength(7);
    expect(r.row.where_description).toMatch(/^Robinet El Ataye .*\n\nborder area south of Adel Bagrou/);
    expect(r.row.latitude).not.toBe('');
  });

  it('reports a record with the wrong number of fields, with its line, and reads on', async () => {
    const text = readFileSync(new URL('ged_senegal.csv', RAW), 'utf8').split('\n');
    const broken = [text[0], text[1], 'only,three,fields', text[2]].join('\n') + '\n';
    const out: UcdpLine[] = [];
    for await (const r of readUcdpCsv(Readable.from([broken]))) out.push(r);
    expect(out).toHaveLength(3);
    expect(out[1]!.error).toMatchObject({ line: 3, column: null });
    expect(out[1]!.error!.reason).toMatch(/3 fields where the header has 47/);
    expect(out[2]!.line).toBe(4);
  });

  it('rejects a file that is not a UCDP export', async () => {
    const go = async () => {
      for await (const _ of readUcdpCsv(Readable.from(['a,b,c\n1,2,3\n']), 'x.csv')) void _;
    };
    await expect(go()).rejects.toThrow(InputError);
    await expect(go()).rejects.toThrow(/x\.csv:1: not a UCDP GED CSV export: the header lacks id, type_of_violence/);
  });
});

describe('mapUcdpRow', () => {
  it('maps every real row to a valid engine incident', () => {
    let n = 0;
    for (const { row, line } of rows.values()) {
      const m = mapUcdpRow(row, line, NOW);
      if (isRowError(m)) throw new Error(`${row.id}: ${m.reason}`);
      expect(incidentSchema.safeParse(m.incident).success).toBe(true);
      n++;
    }
    expect(n).toBe(4880);
  });

  it('maps the repaired Niger file: intact, rejoined and partial rows', () => {
    const intact = mapped('487942'); // Government of Niger - IS, where_prec 6 (country)
    expect(intact.incident).toMatchObject({
      id: 'ucdp_ged:487942', date: '2023-08-08', kind: 'terrorist_attack',
      location: { country: 'NER', lat: 16, lon: 8 },
      perpetrator: { type: 'non_state_armed_group', name: 'IS' },
      target: { type: 'armed_forces', country: 'NER', deployed_abroad: false },
      fatalities: 0,
    });
    expect(intact.locationPrecision).toBe('country');
    expect(intact.admin1Derived).toBeNull(); // a country centroid says nothing about the region
    expect(intact.reports[0]!.raw.repair_status).toBe('intact');

    const rejoined = mapped('279361');
    expect(rejoined.sources).toEqual(expect.arrayContaining(['Agence France Presse', 'Sahelien']));
    expect(rejoined.admin1).toBe('Dosso region');
    expect(rejoined.admin1Derived).toBe('Dosso');
    expect(rejoined.locationPrecision).toBe('exact');

    const partial = mapped('493333'); // IS - Civilians; source_* left empty by the repair
    expect(partial.incident).toMatchObject({ kind: 'terrorist_attack', perpetrator: { type: 'non_state_armed_group', name: 'IS' }, target: { type: 'civilians', country: 'NER' }, fatalities: 3 });
    expect(partial.sources).toEqual([]);
    expect(partial.reports[0]!.raw.repair_status).toBe('partial');
  });

  it('keeps estimates that do not bracket best (285444: best 0, high 0, low 46)', () => {
    const m = mapped('285444');
    expect(m.fatalities).toEqual({ best: 0, low: 46, high: 0 });
    expect(m.incident.fatalities).toBe(0);
    // Koglweogo - Civilians: a self-defence militia's one-sided violence.
    expect(m.incident.kind).toBe('other');
    expect(m.incident.perpetrator).toEqual({ type: 'non_state_armed_group', name: 'Koglweogo' });
    expect(m.locationPrecision).toBe('admin1'); // where_prec 5: a part of the country, treated as admin-1 level
    expect(m.admin1Derived).toBeNull(); // …but its point is a centroid of a wider area: no region is derived from it
    expect(m.admin1).toBeNull(); // UCDP gives no adm_1 for it
  });

  it('keeps UCDP\'s country for BFA 501478 though the point lies in Nigeria', () => {
    const m = mapped('501478');
    expect(m.incident.location).toEqual({ country: 'BFA', lat: 11.955231, lon: 3.658818 });
    expect(m.admin1Derived).toBe('Kebbi'); // derived from the point as given: a Nigerian state
    expect(m.admin1).toBe('Boucle du Mouhoun region'); // UCDP's own admin names, kept as given
    expect(m.placeName).toBe('Wakui village');
    // The longitude's sign looks flipped in the source: -3.66 lies in Mouhoun province, Boucle du Mouhoun,
    // exactly UCDP's adm_1/adm_2. The mapper keeps the source's coordinates; a human decides.
    expect(admin1At(11.955231, -3.658818)).toMatchObject({ iso3: 'BFA', name: 'Mou Houn', regionName: 'Boucle du Mouhoun' });
  });

  it('maps a multi-line, cross-border one-sided row (464536: Mali\'s forces, Mauritania border)', () => {
    const m = mapped('464536');
    expect(m.incident.perpetrator).toEqual({ type: 'state', country: 'MLI', name: 'Government of Mali' });
    expect(m.incident.target).toEqual({ type: 'civilians', country: 'MLI' });
    expect(m.incident.kind).toBe('other'); // inside Mali per UCDP: not an attack on another state
    expect(m.notes).toMatch(/Robinet El Ataye/);
    expect(m.actors).toEqual([{ name: 'Government of Mali', role: 'side_a', country: 'MLI' }, { name: 'Civilians', role: 'side_b' }]);
  });

  it('maps state-based rebellion, coup and communal rows by the table', () => {
    const rebel = [...rows.values()].find((r) => r.row.side_b === 'CMA' && r.row.type_of_violence === '1')!;
    expect(mapUcdpRow(rebel.row, rebel.line, NOW)).toMatchObject({ incident: { kind: 'armed_rebellion', perpetrator: { type: 'rebel_group', name: 'CMA' } } });
    const coup = [...rows.values()].find((r) => r.row.side_b === 'Military faction (Red Berets)')!;
    expect(mapUcdpRow(coup.row, coup.line, NOW)).toMatchObject({ incident: { kind: 'coup', target: { type: 'government', country: 'MLI' } } });
    const communal = [...rows.values()].find((r) => r.row.side_a === 'Dogon' && r.row.side_b === 'Fulani')!;
    const c = mapUcdpRow(communal.row, communal.line, NOW) as IncidentRecord;
    expect(c.incident).toMatchObject({ kind: 'other', perpetrator: { type: 'non_state_armed_group' }, target: { type: 'civilians' } });
    expect(c.incident.perpetrator.name).toBeUndefined(); // who attacked is not recorded
    const allied = [...rows.values()].find((r) => r.row.side_a === 'GATIA, MSA' && r.row.side_b === 'IS')!;
    expect((mapUcdpRow(allied.row, allied.line, NOW) as IncidentRecord).actors.map((a) => a.name)).toEqual(['GATIA', 'MSA', 'IS']);
  });

  it('fills the record envelope from `now`', () => {
    const m = mapped('235799');
    expect(m).toMatchObject({ version: 1, assessment: null, createdAt: NOW, updatedAt: NOW, source: { dataset: 'ucdp_ged', id: '235799', eventType: 'non-state conflict' } });
    expect(m.reports).toEqual([{ dataset: 'ucdp_ged', sourceId: '235799', sourceTimestamp: null, raw: rows.get('235799')!.row, importedAt: NOW }]);
    expect(m.sourcePrecision).toEqual({ where: 3, date: 1 });
    expect(m.datePrecision).toBe('day');
  });

  it('reports a bad date with the line and the column', async () => {
    const lines = readFileSync(new URL('ged_mali.csv', RAW), 'utf8').split('\n');
    // Header, the 7-line record 464536, then 235799 with an impossible start date.
    const start = lines.findIndex((l) => l.startsWith('464536,'));
    const end = lines.findIndex((l, i) => i > start && /^\d+,/.test(l));
    const bad = lines[1]!.replace('05/26/2016 00:00:00,05/26/2016', '02/30/2016 00:00:00,05/26/2016');
    const text = [lines[0], ...lines.slice(start, end), bad].join('\n') + '\n';
    const out: UcdpLine[] = [];
    for await (const r of readUcdpCsv(Readable.from([text]))) out.push(r);
    expect(out.map((r) => r.line)).toEqual([2, 2 + (end - start)]);
    const last = out[1]!;
    expect(mapUcdpRow(last.row!, last.line, NOW)).toEqual({
      line: 9, column: 'date_start', reason: 'date_start "02/30/2016 00:00:00" is not a real date in UCDP\'s MM/DD/YYYY 00:00:00 form',
    });
  });

  it('reports other bad fields by column', () => {
    const row = { ...rows.get('235799')!.row };
    expect(mapUcdpRow({ ...row, latitude: '95.1' }, 7, NOW)).toMatchObject({ line: 7, column: 'latitude' });
    expect(mapUcdpRow({ ...row, where_prec: '9' }, 7, NOW)).toMatchObject({ column: 'where_prec' });
    expect(mapUcdpRow({ ...row, best_est: 'many' }, 7, NOW)).toMatchObject({ column: 'best_est' });
    expect(mapUcdpRow({ ...row, type_of_violence: '4' }, 7, NOW)).toMatchObject({ column: 'type_of_violence' });
    expect(mapUcdpRow({ ...row, country: 'Atlantis' }, 7, NOW)).toMatchObject({ column: 'country' });
    expect(mapUcdpRow({ ...row, date_end: '05/25/2016 00:00:00' }, 7, NOW)).toMatchObject({ column: 'date_end', reason: 'date_end 2016-05-25 is before date_start 2016-05-26' });
  });
});

describe('taxonomy', () => {
  it('classifies actors by the documented lists', () => {
    expect(classifyActor('Government of Mali')).toBe('government');
    expect(classifyActor('JNIM')).toBe('jihadist');
    expect(classifyActor('CSP-PSD')).toBe('rebel');
    expect(classifyActor('Dozos (Mali)')).toBe('other_armed');
  });
  it('does not name an attacker between two governments', () => {
    expect(mapUcdpTaxonomy('1', 'Government of Mali', 'Government of Burkina Faso')).toMatchObject({ kind: 'armed_attack', perpetrator: 'unknown', perpetratorSide: null });
  });
  it('treats a government\'s one-sided violence in another state as an armed attack', () => {
    const r = rows.get('464536')!.row;
    const m = mapUcdpRow({ ...r, country: 'Mauritania' }, 1, NOW) as IncidentRecord;
    expect(m.incident).toMatchObject({ kind: 'armed_attack', location: { country: 'MRT' }, perpetrator: { type: 'state', country: 'MLI' }, target: { type: 'civilians', country: 'MRT' } });
  });
  it('knows UCDP country names and dates', () => {
    expect(ucdpCountryIso3('Ivory Coast')).toBe('CIV');
    expect(ucdpCountryIso3('Burkina Faso')).toBe('BFA');
    expect(ucdpCountryIso3('Nigeria')).toBe('NGA');
    expect(parseUcdpDate('12/31/2023 00:00:00')).toBe('2023-12-31');
    expect(parseUcdpDate('2024-02-29')).toBe('2024-02-29');
    expect(parseUcdpDate('02/29/2023 00:00:00')).toBeNull();
    expect(parseUcdpDate('13/01/2023 00:00:00')).toBeNull();
  });
});
