import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../incident/record.ts';
import { runImport } from '../../import/pipeline.ts';
import type { Database } from '../database.ts';
import { migrate } from '../migrate.ts';
import { openStore } from '../store.ts';
import { DIALECTS } from '../testing.ts';
import { byAreaOfRows, timelineOfRows } from './aggregates.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import { makeRecord, seededRandom } from './fixtures.ts';
import { normaliseFilter } from './filter.ts';
import { openPartlyMigrated, type PartlyMigrated } from './partly-migrated.ts';
import type { IncidentRepository } from './repository.ts';
import { monthsOfBox, monthsOfCountries } from './tallies.ts';
import { VersionConflict, type BBox, type IncidentFilter } from './types.ts';

/**
 * The tallies kept on write (migration 14) against the rows they count: after the migration's fill,
 * records, corrections, re-imports, deletes and an import through the pipeline, every tally row
 * equals a GROUP BY over the incidents (computed here in JavaScript), and the timeline, the counts by
 * area and the counts answer exactly what the rows alone answer, for windows that start and end
 * inside months or on their edges and for boxes large and small.
 */

const NIGER = fileURLToPath(new URL('../../../data/ucdp/ged_niger_repaired.csv', import.meta.url));

/** Incidents over the Sahel on awkward days (month and year ends, a leap day, a year before 1000), some without a place, a country, an admin-1 or a toll. */
function records(n: number, seed: number): IncidentRecord[] {
  const r = seededRandom(seed);
  const days = ['1999-12-31', '2000-01-01', '2024-02-29', '2023-01-31', '2023-02-01', '0987-06-15', '2022-12-31', '2023-06-30'];
  return Array.from({ length: n }, (_, k) => {
    const date = k % 5 === 0 ? days[k % days.length]! : `20${10 + Math.floor(r() * 15)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
    const noPoint = k % 17 === 0;
    const rec = makeRecord({
      id: `ucdp_ged:${seed * 10000 + k}`,
      date,
      lat: noPoint ? null : Math.round((9 + r() * 16) * 1e6) / 1e6,
      lon: noPoint ? null : Math.round((-12 + r() * 28) * 1e6) / 1e6,
      country: ['MLI', 'BFA', 'NER'][k % 3]!,
      fatalities: k % 11 === 0 ? null : Math.floor(r() * 50),
      admin1: k % 7 === 0 ? null : ['Mopti', 'Gao', 'Sahel', 'Tillabéri'][k % 4]!,
      admin1Derived: k % 3 === 0 ? null : ['Mopti', 'Ménaka', 'Est'][k % 3]!,
      precision: k % 4 === 0 ? 'admin1' : 'exact',
    });
    if (k % 13 === 0) delete rec.incident.location.country;
    return rec;
  });
}

const BOXES: BBox[] = [
  [-20, 0, 30, 30], // all of it and more
  [-12.3, 10.1, 4.3, 25.0], // Mali
  [-2.0, 13.0, 2.0, 16.0], // a region
  [-0.3, 14.1, 0.1, 14.3], // a few km: no cell wholly inside
  // Boxes whose four edges cut through the incidents.
  ...Array.from({ length: 6 }, (_, k): BBox => {
    const r = seededRandom(100 + k);
    const w = 3 + r() * 12, h = 2 + r() * 8, lon = -10 + r() * 20, lat = 11 + r() * 10;
    return [lon, lat, lon + w, lat + h].map((v) => Math.round(v * 1e4) / 1e4) as BBox;
  }),
];
const WINDOWS: Array<[string | undefined, string | undefined]> = [
  [undefined, undefined],
  ['2020-01-01', '2020-12-31'],
  ['2019-03-15', '2022-11-10'],
  ['2023-02-01', '2023-02-28'],
  ['2023-01-31', '2023-02-01'],
  ['2024-02-10', '2024-02-29'],
  ['2015-06-01', undefined],
  [undefined, '2016-05-31'],
  [undefined, '2016-05-30'],
  ['2021-07-02', undefined],
  // Whole months at one end or both, across a year's end, inside one month (clusters: migration 16).
  ['2022-04-01', '2022-06-30'],
  ['2019-07-01', '2021-06-30'],
  ['2021-10-12', '2022-03-04'],
  ['2022-05-03', '2022-05-20'],
];
const EVERY_DATASET: IncidentFilter['dataset'] = ['ucdp_ged', 'acled', 'geojson', 'incident_json', 'manual'];

describe.each(DIALECTS)('incident tallies on %s', (dialect) => {
  let pm: PartlyMigrated;
  let database: Database;
  let repo: IncidentRepository;
  let d: IncidentDialect;
  let rows: PartlyMigrated['rows'];

  beforeAll(async () => {
    pm = await openPartlyMigrated(dialect, 14);
    ({ database, repo, d, rows } = pm);
  });
  afterAll(async () => {
    await pm?.close();
  });

  /** Every tally row (those not fallen to zero) against the same sums computed here from the rows. */
  async function expectTalliesMatchRows(): Promise<void> {
    const incidents = await rows('select date, country, admin1, admin1_derived, morton, fatalities_best, lat, lon, coarse from incidents');
    const tally = (key: (x: Row) => string | null) => {
      const m = new Map<string, [number, number]>();
      for (const x of incidents) {
        const k = key(x);
        if (k === null) continue;
        const t = m.get(k) ?? [0, 0];
        m.set(k, [t[0] + 1, t[1] + Number(x.fatalities_best ?? 0)]);
      }
      return [...m].map(([k, [n, f]]) => `${k}|${n}|${f}`).sort();
    };
    const month = (x: Row) => Number(x.date.slice(0, 4)) * 100 + Number(x.date.slice(5, 7));
    const stored = async (q: string) => (await rows(q)).map((x) => Object.values(x).map((v) => (v === null ? '∅' : String(Number.isFinite(Number(v)) && typeof v !== 'string' ? Number(v) : v))).join('|')).sort();
    expect(await stored('select date, n, fatalities from incident_days where n <> 0 or fatalities <> 0')).toEqual(tally((x) => x.date));
    expect(await stored('select month, country, admin1, n, fatalities from incident_area_months where n <> 0 or fatalities <> 0')).toEqual(
      tally((x) => `${month(x)}|${x.country ?? '∅'}|${x.admin1_derived ?? x.admin1 ?? '∅'}`),
    );
    expect(await stored('select cell, month, n, fatalities from incident_cell_months where n <> 0 or fatalities <> 0')).toEqual(
      tally((x) => (x.morton === null ? null : `${Math.floor(Number(x.morton) / 2 ** 24)}|${month(x)}`)),
    );
    // The cell-month sums (migration 16): coordinates up to float rounding, coarse counts exactly.
    const sums = new Map<string, [number, number, number]>();
    for (const x of incidents) {
      if (x.morton === null) continue;
      const k = `${Math.floor(Number(x.morton) / 2 ** 24)}|${month(x)}`;
      const t = sums.get(k) ?? [0, 0, 0];
      sums.set(k, [t[0] + Number(x.lat), t[1] + Number(x.lon), t[2] + Number(x.coarse)]);
    }
    const kept = (await rows('select cell, month, sum_lat, sum_lon, coarse from incident_cell_months where n <> 0')).map((x) => [`${Number(x.cell)}|${x.month}`, Number(x.sum_lat), Number(x.sum_lon), Number(x.coarse)] as const);
    expect(kept.length).toBe(sums.size);
    for (const [k, slat, slon, coarse] of kept) {
      const want = sums.get(k);
      expect(want, k).toBeDefined();
      expect(slat, k).toBeCloseTo(want![0], 6);
      expect(slon, k).toBeCloseTo(want![1], 6);
      expect(coarse, k).toBe(want![2]);
    }
  }

  /** The repository's answers (tallies where they can) equal the rows' own, for every window and box. */
  async function expectAnswersMatchRows(): Promise<void> {
    const filters: IncidentFilter[] = [];
    for (const [from, to] of WINDOWS) {
      filters.push({ from, to });
      for (const bbox of BOXES) filters.push({ bbox, from, to });
    }
    for (const [from, to] of WINDOWS) filters.push({ country: 'MLI', from, to }, { country: ['NER', 'BFA'], from, to });
    filters.push({ kind: 'armed_attack', from: '2020-01-01' }, { bbox: BOXES[1]!, precision: 'precise' }, { country: 'MLI', kind: 'armed_attack' }, { country: 'MLI', bbox: BOXES[1]! });
    for (const f of filters) {
      const nf = normaliseFilter(f);
      const what = JSON.stringify(f);
      for (const bucket of ['month', 'week', 'day'] as const) {
        expect(await repo.timeline(f, bucket), `${what} ${bucket}`).toEqual(await timelineOfRows(d, nf, bucket));
      }
      expect(await repo.count(f), what).toBe(await d.countRows(nf));
      if (f.bbox && !f.country) await expectClustersMatchRows({ ...f, bbox: f.bbox });
      if (f.bbox) continue;
      for (const level of ['country', 'admin1'] as const) expect(await repo.byArea(f, level), `${what} ${level}`).toEqual(await byAreaOfRows(d, nf, level));
    }
  }

  /** The map's clusters (from the cell summaries where they can) equal those of the rows: the filter on every dataset keeps them off the summaries. */
  async function expectClustersMatchRows(f: IncidentFilter & { bbox: BBox }): Promise<void> {
    type Clusters = Awaited<ReturnType<IncidentRepository['clusters']>>['clusters'];
    const key = (cs: Clusters) => cs.map((c) => [c.cell, c.count, c.coarse, c.id ?? null, c.precision ?? null].join(' '));
    const byCell = (cs: Clusters) => [...cs].sort((a, b) => a.cell.localeCompare(b.cell));
    for (const zoom of [3, 5, 7]) {
      const what = `${JSON.stringify(f)} z${zoom}`;
      const fast = await repo.clusters({ ...f, zoom });
      const rows = await repo.clusters({ ...f, dataset: EVERY_DATASET, zoom });
      expect(fast.total, what).toBe(rows.total);
      const [a, b] = [byCell(fast.clusters), byCell(rows.clusters)];
      expect(key(a), what).toEqual(key(b));
      // Centroids: the same sums, added in another order.
      a.forEach((c, k) => {
        expect(Math.abs(c.lat - b[k]!.lat) + Math.abs(c.lon - b[k]!.lon), `${what} ${c.cell}`).toBeLessThan(1e-9);
      });
    }
  }

  it('fills the tallies from the incidents already stored', async () => {
    await repo.upsertMany(records(400, 1), { actor: 'test' });
    await migrate(database);
    await expectTalliesMatchRows();
    // The large boxes take the tally path (the check above would pass vacuously otherwise).
    expect(await monthsOfBox(d, normaliseFilter({ bbox: BOXES[0]! }))).not.toBeNull();
    expect(await monthsOfBox(d, normaliseFilter({ bbox: BOXES[3]! }))).toBeNull();
    expect(await monthsOfCountries(d, normaliseFilter({ country: ['MLI', 'NER'], from: '2019-03-15' }))).not.toBeNull();
    expect(await monthsOfCountries(d, normaliseFilter({ country: 'MLI', kind: 'armed_attack' }))).toBeNull();
    await expectAnswersMatchRows();
  });

  it('keeps them through records, corrections, re-imports and deletes', async () => {
    for (const r of records(30, 2)) expect(await repo.create(r, 'test')).toBeTruthy();
    const moved = records(40, 1).slice(0, 40);
    // Corrections: another day (across a month and a year), country, admin-1, toll, place.
    for (const [k, r] of moved.entries()) {
      const current = (await repo.get(r.id))!;
      const date = k % 2 ? '2021-01-01' : '2019-12-31';
      const incident = { ...current.incident, date, fatalities: k % 3 ? 99 : undefined, location: k % 5 ? { country: 'NER', lat: 13.5, lon: 2.1 } : { country: 'BFA' } };
      const res = await repo.update(r.id, { incident, admin1: k % 2 ? 'Niamey' : null, admin1Derived: null, dateEnd: date }, current.version, 'test');
      expect(res, r.id).not.toBeNull();
      expect(res, r.id).not.toBeInstanceOf(VersionConflict);
    }
    await expectTalliesMatchRows();
    // A re-import: new content for some (changed dates and tolls), the same for others.
    const again = records(400, 1).map((r, k) => (k % 4 ? r : { ...r, incident: { ...r.incident, date: '2018-05-31', fatalities: 7 }, dateEnd: '2018-05-31', notes: 'revised' }));
    await repo.upsertMany(again, { actor: 'test' });
    await expectTalliesMatchRows();
    for (const r of records(400, 1).filter((_, k) => k % 9 === 0)) await repo.remove(r.id);
    await repo.setAssessments([{ id: records(400, 1)[1]!.id, assessment: ['aes-2023/6'] }]);
    await expectTalliesMatchRows();
    await expectAnswersMatchRows();
  });

  it('keeps the cell-month sums through a move inside a cell, a change of precision alone, an insert and a delete', async () => {
    const id = 'manual:sums1';
    const rec = makeRecord({ id, dataset: 'manual', date: '2022-05-14', lat: 14.123456, lon: -1.654321, precision: 'exact' });
    await repo.create(rec, 'test');
    await expectTalliesMatchRows();
    // A few metres: the same morton code, so no key of any tally changes (only its sums).
    const morton = async () => (await rows(`select morton from incidents where id = '${id}'`))[0]!.morton;
    const before = await morton();
    let cur = (await repo.get(id))!;
    expect(await repo.update(id, { incident: { ...cur.incident, location: { ...cur.incident.location, lat: 14.123457, lon: -1.654322 } } }, cur.version, 'test')).not.toBeInstanceOf(VersionConflict);
    expect(await morton()).toEqual(before);
    await expectTalliesMatchRows();
    cur = (await repo.get(id))!;
    expect(await repo.update(id, { locationPrecision: 'admin1' }, cur.version, 'test')).not.toBeInstanceOf(VersionConflict);
    await expectTalliesMatchRows();
    // Another day of the same month, then another place and month.
    cur = (await repo.get(id))!;
    expect(await repo.update(id, { incident: { ...cur.incident, date: '2022-05-30' }, dateEnd: '2022-05-30' }, cur.version, 'test')).not.toBeInstanceOf(VersionConflict);
    cur = (await repo.get(id))!;
    expect(await repo.update(id, { incident: { ...cur.incident, date: '2022-07-01', location: { country: 'NER', lat: 13.6, lon: 2.2 } }, dateEnd: '2022-07-01', locationPrecision: 'exact' }, cur.version, 'test')).not.toBeInstanceOf(VersionConflict);
    await expectTalliesMatchRows();
    expect(await repo.remove(id)).toBe(true);
    await expectTalliesMatchRows();
  });

  it('keeps them through an import of a UCDP file', async () => {
    const store = await openStore(pm.config);
    try {
      const s = await runImport({ source: NIGER, format: 'ucdp', store, actor: 'test', batchSize: 100 });
      expect(s.imported).toBeGreaterThan(100);
    } finally {
      await store.close();
    }
    await expectTalliesMatchRows();
    await expectAnswersMatchRows();
  });
});
