import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { countryAt } from '../incident/geo/index.ts';
import { DIALECTS, openTestStore, type TestStore } from '../store/testing.ts';
import { runImport } from './pipeline.ts';
import { loadDemoData } from './demo.ts';
import type { ImportProgress } from './types.ts';
import { col, MALI, NIGER, realRows, syntheticRows, tempDir, writeUcdp } from '../../test/import/fixtures.ts';

/**
 * The importer on real UCDP rows, on both stores (real SQLite files and
 * PostgreSQL schemas, no mocks).
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A real row by id (Mali, Burkina Faso or Niger). */
function realRow(id: string): string[] {
  const r = realRows().find((x) => x[col.id] === id);
  if (!r) throw new Error(`no real row ${id}`);
  return r.slice();
}

describe.each(DIALECTS)('runImport on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('imports the repaired Niger file end to end, then re-imports it as all unchanged', async () => {
    const progress: ImportProgress[] = [];
    const first = await runImport({ source: NIGER, store: t.store, actor: 'test', batchSize: 200, onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({ file: 'ged_niger_repaired.csv', format: 'ucdp', rows: 588, imported: 588, updated: 0, unchanged: 0, rejected: 0, rejections: [], batches: 3 });
    expect(progress.map((p) => p.rows)).toEqual([200, 400, 588]);
    expect(progress.at(-1)).toMatchObject({ imported: 588, bytesRead: expect.any(Number), bytesTotal: expect.any(Number) });
    expect(await t.store.incidents.count({ dataset: 'ucdp_ged' })).toBe(588);

    // A record whose where_description holds a line break (a "partial" Niger repair).
    const multi = await t.store.incidents.get('ucdp_ged:493333');
    expect(multi?.notes).toContain('Kofouno , Koira_Tegui, Makani villages \nEast of Kofouno, Tillaberi');
    expect(multi?.incident.location).toMatchObject({ country: 'NER', lat: 14.55104, lon: 1.32759 });
    // Estimates that do not bracket best are kept as given (404611: best 3, high 2, low 3).
    expect((await t.store.incidents.get('ucdp_ged:404611'))?.fatalities).toEqual({ best: 3, low: 3, high: 2 });

    // One ledger entry per committed batch.
    const entries = (await t.store.ledger.list({ limit: 1000 })).filter((e) => e.action === 'incidents.import');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ actor: 'test', payload: { file: 'ged_niger_repaired.csv', format: 'ucdp', batch: 1, records: 200, imported: 200 } });
    // Each binds the content hashes of the incidents it wrote (the records check of ledger verify).
    expect(entries.map((e) => (e.payload as { bound: { count: number } }).bound.count)).toEqual([200, 200, 188]);
    expect((await t.store.ledger.verifyRecords()).ok).toBe(true);

    const head = await t.store.ledger.head();
    const again = await runImport({ source: NIGER, store: t.store, actor: 'test' });
    expect(again).toMatchObject({ rows: 588, imported: 0, updated: 0, unchanged: 588, rejected: 0 });
    expect(await t.store.incidents.count({ dataset: 'ucdp_ged' })).toBe(588);
    // Nothing written, so nothing ledgered.
    expect(await t.store.ledger.head()).toEqual(head);
  });

  it('writes a batch larger than a write chunk in several chunks, committed once with one ledger entry', async () => {
    // A store of its own: into this one the file went already, and a re-import writes nothing.
    const own = await openTestStore(dialect);
    try {
      const progress: ImportProgress[] = [];
      const s = await runImport({ source: NIGER, store: own.store, actor: 'chunks', batchSize: 250, writeChunk: 40, onProgress: (p) => progress.push(p) });
      expect(s).toMatchObject({ rows: 588, imported: 588, rejected: 0, batches: 3 });
      expect(progress.map((p) => p.rows)).toEqual([250, 500, 588]);
      const entries = (await own.store.ledger.list({ limit: 10_000 })).filter((e) => e.action === 'incidents.import');
      expect(entries.map((e) => e.actor)).toEqual(['chunks', 'chunks', 'chunks']);
      expect(entries.map((e) => (e.payload as { records: number }).records).sort((a, b) => a - b)).toEqual([88, 250, 250]);
      expect(await own.store.incidents.count({ dataset: 'ucdp_ged' })).toBe(588);
      expect((await own.store.ledger.verifyRecords()).ok).toBe(true);
    } finally {
      await own.cleanup();
    }
  });

  it('keeps a point just across a border in its own country, with UCDP admin names as given', async () => {
    const file = join(tmp.dir, `border-${dialect}.csv`);
    // BFA 501478 "Wakui village" lies in Nigeria; Mali's Ti-n-Zaouatene (Kidal) events lie in Algeria.
    const wakui = realRow('501478');
    const tinza = realRow('253380');
    expect(countryAt(Number(wakui[col.latitude]), Number(wakui[col.longitude]))).toBe('NGA');
    expect(countryAt(Number(tinza[col.latitude]), Number(tinza[col.longitude]))).toBe('DZA');
    writeUcdp(file, [wakui, tinza]);
    const s = await runImport({ source: file, store: t.store, actor: 'test' });
    expect(s).toMatchObject({ rows: 2, imported: 2, rejected: 0 });
    const w = await t.store.incidents.get('ucdp_ged:501478');
    expect(w?.incident.location.country).toBe('BFA');
    expect(w?.admin1).toBe('Boucle du Mouhoun region');
    const m = await t.store.incidents.get('ucdp_ged:253380');
    expect(m?.incident.location.country).toBe('MLI');
    expect(m?.placeName).toBe('Ti-n-Zaouatene town');
  });

  it('reports bad rows with file:line, column and reason, and imports the rest', async () => {
    const file = join(tmp.dir, `bad-${dialect}.csv`);
    const rows = syntheticRows(12, 11).map((r, i) => {
      r[col.id] = String(200_000_000 + i);
      return r;
    });
    rows[1]![col.where_description] = 'a place\nwith a line break\nin its description';
    rows[3]![col.date_start] = '13/45/2020 00:00:00';
    rows[6]![col.latitude] = '';
    rows[9]![col.latitude] = '123.5';
    const starts = writeUcdp(file, rows);
    const s = await runImport({ source: file, store: t.store, actor: 'test', batchSize: 5 });
    expect(s).toMatchObject({ rows: 12, imported: 9, rejected: 3 });
    expect(s.rejections).toEqual([
      { line: starts[3], column: 'date_start', reason: expect.stringMatching(/13\/45\/2020.*not a real date/) },
      { line: starts[6], column: 'latitude', reason: expect.stringMatching(/not a number/) },
      { line: starts[9], column: 'latitude', reason: expect.stringMatching(/123\.5 is outside -90–90/) },
    ]);
    // The line numbers are physical lines: the multi-line record before them shifted them by two.
    expect(starts[3]).toBe(7);
    expect(await t.store.incidents.get('ucdp_ged:200000003')).toBeNull();
    expect(await t.store.incidents.get('ucdp_ged:200000004')).not.toBeNull();
  });

  it('--strict on a file with a bad row at row 3,000 leaves the store exactly as before', async () => {
    const file = join(tmp.dir, `strict-${dialect}.csv`);
    const rows = syntheticRows(3_200, 13);
    rows[2_999]![col.longitude] = 'east';
    const starts = writeUcdp(file, rows);
    const before = await t.store.incidents.count({});
    const head = await t.store.ledger.head();
    const err = await runImport({ source: file, store: t.store, actor: 'test', strict: true, batchSize: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${file}:${starts[2_999]}: column longitude: longitude "east" is not a number in decimal degrees (strict import stopped; nothing was imported)`);
    expect(await t.store.incidents.count({})).toBe(before);
    expect(await t.store.ledger.head()).toEqual(head);
    // Without the bad row the same strict import goes through in one piece.
    rows[2_999]![col.longitude] = '1.5';
    writeUcdp(file, rows);
    const ok = await runImport({ source: file, store: t.store, actor: 'test', strict: true, batchSize: 500 });
    expect(ok).toMatchObject({ rows: 3_200, imported: 3_200, rejected: 0, strict: true, batches: 7 });
    expect(await t.store.incidents.count({})).toBe(before + 3_200);
  });

  it('gives the same result parsing in a worker thread as in this one', async () => {
    const file = join(tmp.dir, `parallel-${dialect}.csv`);
    const rows = syntheticRows(1_500, 17).map((r, i) => {
      r[col.id] = String(300_000_000 + i);
      return r;
    });
    rows[700]![col.best_est] = '-4';
    writeUcdp(file, rows);
    const inWorker = await runImport({ source: file, store: t.store, actor: 'test', parallel: true, batchSize: 400 });
    expect(inWorker).toMatchObject({ rows: 1_500, imported: 1_499, rejected: 1, rejections: [{ column: 'best_est' }], batches: 4 });
    const sample = await t.store.incidents.get('ucdp_ged:300001234');
    const inThread = await runImport({ source: file, store: t.store, actor: 'test', parallel: false, batchSize: 400 });
    expect(inThread).toMatchObject({ rows: 1_500, imported: 0, unchanged: 1_499, rejected: 1 });
    expect(inThread.rejections).toEqual(inWorker.rejections);
    expect(await t.store.incidents.get('ucdp_ged:300001234')).toEqual(sample);
  });

  it('reads a stream (an upload) and detects its format from the header', async () => {
    const s = await runImport({ source: createReadStream(MALI), fileName: 'upload-1', store: t.store, actor: 'test' });
    expect(s).toMatchObject({ file: 'upload-1', format: 'ucdp', rows: 2_120, rejected: 0 });
    expect(s.imported + s.unchanged + s.updated).toBe(2_120);
  });
});

const ACLED_SAMPLE = fileURLToPath(new URL('../incident/acled/fixtures/acled-sample.csv', import.meta.url));

describe.each(DIALECTS)('runImport of ACLED, GeoJSON and incident JSON on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('imports ACLED CSV, and re-imports a row only when its timestamp is newer', async () => {
    const first = await runImport({ source: ACLED_SAMPLE, store: t.store, actor: 'test' });
    // Two invented rows are bad on purpose: a 30 February and a text inter code ACLED does not use.
    expect(first).toMatchObject({
      format: 'acled',
      rows: 13,
      imported: 11,
      rejected: 2,
      rejections: [
        { line: 12, column: 'event_date' },
        { line: 13, column: 'inter1' },
      ],
    });
    const text = readFileSync(ACLED_SAMPLE, 'utf8');
    const lines = text.split('\n');
    const edit = (ts: string, note: string) =>
      lines.map((l) => (l.startsWith('MLI90001,') ? l.replace('FIXTURE (invented for tests)', note).replace(/,1692748800$/, `,${ts}`) : l)).join('\n');
    const older = join(tmp.dir, `acled-older-${dialect}.csv`);
    writeFileSync(older, edit('1692000000', 'FIXTURE (edited; older)'));
    expect(await runImport({ source: older, store: t.store, actor: 'test' })).toMatchObject({ imported: 0, updated: 0, unchanged: 11, rejected: 2 });
    const newer = join(tmp.dir, `acled-newer-${dialect}.csv`);
    writeFileSync(newer, edit('1699999999', 'FIXTURE (edited; newer)'));
    expect(await runImport({ source: newer, store: t.store, actor: 'test' })).toMatchObject({ imported: 0, updated: 1, unchanged: 10, rejected: 2 });
    expect((await t.store.incidents.get('acled:MLI90001'))?.notes).toContain('FIXTURE (edited; newer)');
  });

  it('imports a GeoJSON FeatureCollection and incident JSON, bad elements reported by line and JSON path', async () => {
    const gj = join(tmp.dir, `events-${dialect}.geojson`);
    const feature = (id: string, lon: number, lat: number, date: string) => ({
      type: 'Feature',
      id,
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: { date, kind: 'armed_attack', perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces' }, fatalities: 2 },
    });
    writeFileSync(
      gj,
      `{"type": "FeatureCollection", "features": [\n${[
        feature('gj-1', -1.5, 14.2, '2024-01-05'),
        feature('gj-2', 2.1, 13.5, '2024-01-06'),
        feature('gj-3', 2.1, 13.5, '2024-02-30'),
      ]
        .map((f) => JSON.stringify(f))
        .join(',\n')}\n]}\n`,
    );
    const g = await runImport({ source: gj, store: t.store, actor: 'test' });
    expect(g).toMatchObject({ format: 'geojson', rows: 3, imported: 2, rejected: 1 });
    expect(g.rejections[0]).toMatchObject({ line: 4, column: expect.stringMatching(/^features\[2\]/) });

    const ij = join(tmp.dir, `incidents-${dialect}.json`);
    const incident = { date: '2024-03-01', kind: 'terrorist_attack', location: { lat: 14.5, lon: 0.9 }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'civilians' } };
    writeFileSync(ij, `[\n${JSON.stringify({ id: 'ij-1', ...incident })},\n${JSON.stringify({ id: 'ij-2', ...incident, location: { lat: 95, lon: 0.9 } })}\n]\n`);
    const i = await runImport({ source: ij, store: t.store, actor: 'test' });
    expect(i).toMatchObject({ format: 'incident', rows: 2, imported: 1, rejected: 1 });
    expect(i.rejections[0]).toMatchObject({ line: 3, column: '[1].location.lat', reason: expect.stringMatching(/latitude/) });
    expect(await runImport({ source: ij, store: t.store, actor: 'test' })).toMatchObject({ imported: 0, unchanged: 1, rejected: 1 });
  });
});

describe('runImport: unreadable input', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('names a missing file, an unknown CSV and a UCDP header without required columns', async () => {
    await expect(runImport({ source: join(tmp.dir, 'nope.csv'), store: t.store, actor: 'test' })).rejects.toThrow(/cannot read .*nope\.csv: no such file; check the path/);
    const people = join(tmp.dir, 'people.csv');
    writeFileSync(people, 'name,age\nAda,36\n');
    await expect(runImport({ source: people, store: t.store, actor: 'test' })).rejects.toThrow(/people\.csv: cannot tell which CSV export this is/);
    await expect(runImport({ source: people, format: 'ucdp', store: t.store, actor: 'test' })).rejects.toThrow(/people\.csv:1: not a UCDP GED CSV export: the header lacks id, type_of_violence/);
    expect(await t.store.incidents.count({})).toBe(0);
  });
});

describe('loadDemoData', () => {
  it('loads the three AES files into an empty store, and nothing when it holds incidents', async () => {
    const t = await openTestStore('sqlite');
    try {
      const summaries = await loadDemoData(t.store, { actor: 'test' });
      expect(summaries.map((s) => [s.file, s.rows, s.imported, s.rejected])).toEqual([
        ['ged_mali.csv', 2_120, 2_120, 0],
        ['ged_burkina_faso.csv', 1_504, 1_504, 0],
        ['ged_niger_repaired.csv', 588, 588, 0],
      ]);
      expect(await t.store.incidents.count({})).toBe(4_212);
      expect(await loadDemoData(t.store, { actor: 'test' })).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});
