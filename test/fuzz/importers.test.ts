import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { runImport } from '../../src/import/pipeline.ts';
import type { ImportFormat, ImportSummary } from '../../src/import/types.ts';
import { UCDP_COLUMNS } from '../../src/incident/ucdp/wire.ts';
import { openTestStore, type TestStore } from '../../src/store/testing.ts';
import { csvLine, realRows } from '../import/fixtures.ts';
import { count, FUZZ_STORES, fuzzing, hostileText, oddScalar, params, report, timeout } from './runs.ts';

/**
 * Every importer, fed arbitrary and near-valid files (a real store, each of FOEDUS_FUZZ_STORE: runs.ts): it never
 * crashes; a file it cannot read at all is one InputError with a message; a bad row is a
 * rejection with its line and its column or JSON path; a strict import with a bad row
 * leaves the store exactly as it was; and the counts add up.
 */

const ACLED_FIXTURE = fileURLToPath(new URL('../../src/incident/acled/fixtures/acled-sample.csv', import.meta.url));

interface Sample {
  format: ImportFormat;
  header: string[];
  rows: string[][];
  /** The raw UCDP export ends each data row with a comma. */
  trailingComma: boolean;
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
function csvText(s: Sample, header: string[], rows: string[][]): string {
  const line = (r: string[]) => (s.trailingComma ? csvLine(r) : `${r.map(quote).join(',')}\n`);
  return `${header.join(',')}\n${rows.map(line).join('')}`;
}

/** A valid CSV with a few cells replaced by odd values, maybe a column dropped, maybe cut short. */
function nearValidCsv(s: Sample): fc.Arbitrary<string> {
  const cell = fc.record({ row: fc.nat(s.rows.length - 1), col: fc.nat(s.header.length - 1), value: oddScalar });
  return fc
    .record({ cells: fc.array(cell, { minLength: 1, maxLength: 4 }), drop: fc.option(fc.nat(s.header.length - 1), { freq: 5 }), cut: fc.option(fc.nat(2000), { freq: 5 }) })
    .map(({ cells, drop, cut }) => {
      const rows = s.rows.map((r) => [...r]);
      for (const c of cells) rows[c.row]![c.col] = c.value;
      let header = s.header;
      let body = rows;
      if (drop !== null) {
        header = header.filter((_, i) => i !== drop);
        body = rows.map((r) => r.filter((_, i) => i !== drop));
      }
      const text = csvText(s, header, body);
      return cut !== null ? text.slice(0, cut) : text;
    });
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
function incident(i: number): Record<string, Json> {
  return {
    id: `fz-${i}`,
    date: '2024-03-10',
    kind: 'armed_attack',
    location: { lat: 15.92, lon: 2.4, country: 'MLI' },
    perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' },
    target: { type: 'armed_forces', country: 'MLI' },
    fatalities: 12,
  };
}
const INCIDENT_PATHS = ['id', 'date', 'kind', 'location', 'location.lat', 'location.lon', 'location.country', 'perpetrator', 'perpetrator.type', 'target', 'target.type', 'target.country', 'fatalities', 'extra'];
const FEATURE_PATHS = ['type', 'id', 'geometry', 'geometry.type', 'geometry.coordinates', 'geometry.coordinates.0', 'properties', 'properties.date', 'properties.kind', 'properties.fatalities', 'properties.target', 'properties.target.country', 'properties.location'];

function setPath(obj: Record<string, Json>, path: string, value: Json | undefined): void {
  const parts = path.split('.');
  let at: Json = obj;
  for (const p of parts.slice(0, -1)) {
    if (at === null || typeof at !== 'object') return;
    at = (at as Record<string, Json>)[p] ?? null;
  }
  if (at === null || typeof at !== 'object') return;
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete (at as Record<string, Json>)[last];
  else (at as Record<string, Json>)[last] = value;
}

/** A valid JSON document whose elements get odd values (or lose fields) at known paths, maybe cut short. */
function nearValidJson(format: 'incident' | 'geojson'): fc.Arbitrary<string> {
  const paths = format === 'incident' ? INCIDENT_PATHS : FEATURE_PATHS;
  const change = fc.record({ element: fc.nat(2), path: fc.constantFrom(...paths), value: fc.option(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { freq: 4 }) });
  return fc.record({ changes: fc.array(change, { minLength: 1, maxLength: 4 }), cut: fc.option(fc.nat(1500), { freq: 5 }) }).map(({ changes, cut }) => {
    const elements = [0, 1, 2].map((i) => {
      const inc = incident(i);
      if (format === 'incident') return inc;
      const { location, ...props } = inc;
      const loc = location as { lat: number; lon: number };
      return { type: 'Feature', id: `f${i}`, geometry: { type: 'Point', coordinates: [loc.lon, loc.lat] }, properties: props } as Record<string, Json>;
    });
    for (const c of changes) setPath(elements[c.element]!, c.path, c.value ?? undefined);
    const doc = format === 'incident' ? elements : { type: 'FeatureCollection', features: elements };
    const text = JSON.stringify(doc, null, 1);
    return cut !== null ? text.slice(0, cut) : text;
  });
}

let t: TestStore;
let samples: Record<'ucdp' | 'acled', Sample>;
async function open(dialect: 'sqlite' | 'postgres') {
  fuzzing(dialect);
  t = await openTestStore(dialect);
  const acled = parse(readFileSync(ACLED_FIXTURE, 'utf8')) as string[][];
  samples = {
    ucdp: { format: 'ucdp', header: [...UCDP_COLUMNS], rows: realRows().slice(0, 3).map((r) => [...r]), trailingComma: true },
    acled: { format: 'acled', header: acled[0]!, rows: acled.slice(1, 4), trailingComma: false },
  };
}
afterAll(() => report('importers'));

async function snapshot() {
  return { incidents: await t.store.incidents.count(), ledger: (await t.store.ledger.head())?.seq ?? 0 };
}

const FIRST_DATA_LINE: Record<ImportFormat, number> = { ucdp: 2, acled: 2, geojson: 0, incident: 0 };

/** Imports `text` (normal, then strict) and checks every promise of the importers. */
async function check(name: string, format: ImportFormat, text: string): Promise<void> {
  count(name);
  const source = () => Readable.from([Buffer.from(text, 'utf8')]);
  const before = await snapshot();
  let summary: ImportSummary | null = null;
  try {
    summary = await runImport({ source: source(), fileName: `fuzz.${format}`, format, store: t.store, actor: 'fuzz' });
  } catch (err) {
    // The whole file refused: one readable line, nothing written.
    if (!(err instanceof InputError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
    return;
  }
  expect(summary.rows).toBe(summary.imported + summary.updated + summary.unchanged + summary.rejected);
  expect(summary.rejections.length).toBe(Math.min(summary.rejected, 100));
  for (const r of summary.rejections) {
    expect(Number.isInteger(r.line) && r.line >= FIRST_DATA_LINE[format], `line of ${JSON.stringify(r)}`).toBe(true);
    expect(r.reason.trim().length, JSON.stringify(r)).toBeGreaterThan(0);
    // A CSV rejection names its column, unless the whole record is at fault (its field count).
    if (format === 'ucdp' || format === 'acled') expect(r.column !== null || /record/.test(r.reason), `column of ${JSON.stringify(r)}`).toBe(true);
  }
  const after = await snapshot();
  expect(after.incidents).toBe(before.incidents + summary.imported);
  if (summary.rejected === 0) return;
  // Strict: the first bad row stops it and the store is left exactly as before.
  const mid = await snapshot();
  await expect(runImport({ source: source(), fileName: `fuzz.${format}`, format, store: t.store, actor: 'fuzz', strict: true })).rejects.toBeInstanceOf(InputError);
  expect(await snapshot()).toEqual(mid);
}

describe.each(FUZZ_STORES)('importers under fuzzing (%s)', (dialect) => {
  beforeAll(() => open(dialect), 60_000);
  afterAll(async () => t?.cleanup());

  for (const format of ['ucdp', 'acled'] as const) {
    it(`${format} CSV: arbitrary text`, async () => {
      await fc.assert(fc.asyncProperty(hostileText, (text) => check(`${format} arbitrary`, format, text)), params(40));
    }, timeout());
    it(`${format} CSV: near-valid files`, async () => {
      await fc.assert(fc.asyncProperty(nearValidCsv(samples[format]), (text) => check(`${format} near-valid`, format, text)), params(60));
    }, timeout());
  }
  for (const format of ['incident', 'geojson'] as const) {
    it(`${format} JSON: arbitrary text and JSON`, async () => {
      const any = fc.oneof(hostileText, fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)));
      await fc.assert(fc.asyncProperty(any, (text) => check(`${format} arbitrary`, format, text)), params(40));
    }, timeout());
    it(`${format} JSON: near-valid files`, async () => {
      await fc.assert(fc.asyncProperty(nearValidJson(format), (text) => check(`${format} near-valid`, format, text)), params(60));
    }, timeout());
  }
  it('leaves every incident what the ledger last wrote', async () => {
    const r = await t.store.ledger.verifyRecords();
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
