import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mapAcledRow } from '../../src/incident/acled/mapper.ts';
import { readAcledCsv, type AcledRow } from '../../src/incident/acled/wire.ts';
import { mapGeojson } from '../../src/incident/geojson/mapper.ts';
import { isItemError, mapIncidentJson } from '../../src/incident/json.ts';
import { recordDateProblem } from '../../src/incident/record-dates.ts';
import { isRowError } from '../../src/incident/reject.ts';
import { mapUcdpRow } from '../../src/incident/ucdp/mapper.ts';
import { readUcdpCsv, UCDP_COLUMNS, type UcdpRow } from '../../src/incident/ucdp/wire.ts';
import { csvLine, realRows } from './fixtures.ts';

/**
 * Issue 18: every importer holds a row's days to the rules of a recorded incident
 * (src/incident/record-dates.ts: 1900-01-01 to tomorrow, the end not before the start),
 * and a row outside them is rejected alone with its line and column.
 */
const NOW = '2026-11-28T05:00:00.000Z';
const ACLED_FIXTURE = new URL('../../src/incident/acled/fixtures/acled-sample.csv', import.meta.url);

async function ucdpRow(): Promise<UcdpRow> {
  const text = `${UCDP_COLUMNS.join(',')}\n${csvLine(realRows()[20]!)}`;
  for await (const l of readUcdpCsv(Readable.from([text]), 'one.csv')) if (l.row) return l.row;
  throw new Error('no UCDP row');
}

async function acledRow(): Promise<AcledRow> {
  for await (const l of readAcledCsv(createReadStream(ACLED_FIXTURE), 'acled-sample.csv')) if (l.row) return l.row;
  throw new Error('no ACLED row');
}

const ucdpDay = (d: string) => `${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(0, 4)} 00:00:00.000`;

describe('recorded days', () => {
  it('hold from 1900-01-01 to tomorrow by the given clock, the end not before the start', () => {
    expect(recordDateProblem('1900-01-01', null, NOW)).toBeNull();
    expect(recordDateProblem('2026-11-29', '2026-11-29', NOW)).toBeNull();
    expect(recordDateProblem('1899-12-31', null, NOW)).toMatchObject({ field: 'date', reason: expect.stringMatching(/before 1900-01-01/) });
    expect(recordDateProblem('2026-11-30', null, NOW)).toMatchObject({ field: 'date', reason: expect.stringMatching(/in the future \(today is 2026-11-28 UTC\)/) });
    expect(recordDateProblem('2026-11-01', '2026-10-31', NOW)).toMatchObject({ field: 'dateEnd' });
    expect(recordDateProblem('2026-11-01', '2026-11-30', NOW)).toMatchObject({ field: 'dateEnd', reason: expect.stringMatching(/in the future/) });
  });

  it('UCDP: a start before 1900 or an end to come is rejected by its column', async () => {
    const row = await ucdpRow();
    expect(isRowError(mapUcdpRow(row, 2, NOW))).toBe(false);
    expect(mapUcdpRow({ ...row, date_start: ucdpDay('1850-06-01'), date_end: ucdpDay('1850-06-01') }, 7, NOW))
      .toMatchObject({ line: 7, column: 'date_start', reason: expect.stringMatching(/^1850-06-01 is before 1900-01-01/) });
    expect(mapUcdpRow({ ...row, date_end: ucdpDay('2999-01-01') }, 7, NOW))
      .toMatchObject({ line: 7, column: 'date_end', reason: expect.stringMatching(/^2999-01-01 is in the future/) });
  });

  it('ACLED: an event_date before 1900 or to come is rejected by its column', async () => {
    const row = await acledRow();
    expect(isRowError(mapAcledRow(row, 2, NOW))).toBe(false);
    expect(mapAcledRow({ ...row, event_date: '2999-01-01', year: '2999' }, 4, NOW))
      .toMatchObject({ line: 4, column: 'event_date', reason: expect.stringMatching(/^2999-01-01 is in the future/) });
    expect(mapAcledRow({ ...row, event_date: '0202-08-15', year: '0202' }, 4, NOW))
      .toMatchObject({ line: 4, column: 'event_date', reason: expect.stringMatching(/^0202-08-15 is before 1900-01-01/) });
  });

  it('GeoJSON and incident JSON: a bad day is rejected alone, by its path', () => {
    const inc = { date: '2023-08-15', kind: 'terrorist_attack', location: { lat: 14.35, lon: 1.45 }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' } };
    const { location: _where, ...props } = inc;
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [1.45, 14.35] }, properties: props },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [1.45, 14.35] }, properties: { ...props, date: '2999-01-01' } },
    ] };
    const geo = mapGeojson(fc, NOW, 'a.geojson');
    expect(isItemError(geo[0]!)).toBe(false);
    expect(geo[1]).toMatchObject({ where: 'a.geojson: features[1].properties.date', reason: expect.stringMatching(/^2999-01-01 is in the future/) });
    const json = mapIncidentJson([inc, { ...inc, date: '1850-01-01' }], NOW, 'b.json');
    expect(isItemError(json[0]!)).toBe(false);
    expect(json[1]).toMatchObject({ where: 'b.json: [1].date', reason: expect.stringMatching(/^1850-01-01 is before 1900-01-01/) });
  });
});
