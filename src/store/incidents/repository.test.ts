import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import type { IncidentRecord } from '../../incident/record.ts';
import { openTestStore, DIALECTS, type TestStore } from '../testing.ts';
import { makeRecord, seededRandom, type RecordSpec } from './fixtures.ts';
import { VersionConflict, type IncidentFilter, type IncidentRepository } from './index.ts';

/**
 * The incident repository's contract, run unchanged on SQLite and PostgreSQL.
 * Real databases: a temp SQLite file and a fresh PostgreSQL schema per dialect.
 */

const KINDS = ['armed_attack', 'terrorist_attack', 'armed_rebellion', 'civil_unrest'] as const;
const COUNTRIES = ['MLI', 'BFA', 'NER'] as const;

/** 400 incidents over the Sahel: many share a date (paging ties), some are coarse, some have no coordinates. */
function sahel(n: number, seed = 7): IncidentRecord[] {
  const r = seededRandom(seed);
  const out: IncidentRecord[] = [];
  for (let k = 0; k < n; k++) {
    const noPoint = k % 23 === 0;
    const spec: RecordSpec = {
      id: `ucdp_ged:${500000 + k}`,
      date: `202${Math.floor(r() * 4)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}`,
      lat: noPoint ? null : Math.round((10 + r() * 15) * 1e6) / 1e6,
      lon: noPoint ? null : Math.round((-12 + r() * 16) * 1e6) / 1e6,
      country: COUNTRIES[k % 3]!,
      kind: KINDS[k % 4]!,
      fatalities: Math.floor(r() * 40),
      precision: k % 5 === 0 ? 'admin1' : k % 7 === 0 ? 'near' : 'exact',
      actors: [k % 2 ? 'Government of Mali' : 'Government of Burkina Faso', k % 3 ? 'JNIM' : 'IS Sahel'],
      notes: k % 10 === 0 ? 'Ambush on a convoy near Ménaka' : 'Clashes reported',
      placeName: `Place ${k}`,
    };
    out.push(makeRecord(spec));
  }
  return out;
}

describe.each(DIALECTS)('incident repository on %s', (dialect) => {
  let t: TestStore;
  const data = sahel(400);
  const sorted = [...data].sort((a, b) => (a.incident.date === b.incident.date ? (a.id < b.id ? -1 : 1) : a.incident.date < b.incident.date ? 1 : -1));

  beforeAll(async () => {
    t = await openTestStore(dialect);
    const res = await t.store.incidents.upsertMany(data, { actor: 'test:seed' });
    expect(res.imported).toBe(400);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function all(filter: IncidentFilter, limit = 37, repo: IncidentRepository = t.store.incidents): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await repo.query(filter, { cursor, limit });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  function expected(pred: (r: IncidentRecord) => boolean): string[] {
    return sorted.filter(pred).map((r) => r.id);
  }

  const inBox = (r: IncidentRecord, b: [number, number, number, number]) => {
    const { lat, lon } = r.incident.location;
    return lat !== undefined && lon !== undefined && lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
  };

  it('round-trips a record: get returns what was stored, with its raw report and store fields', async () => {
    const src = data[3]!;
    const got = await t.store.incidents.get(src.id);
    expect(got).not.toBeNull();
    const { createdAt, updatedAt, version, reports, ...rest } = got!;
    const { createdAt: _c, updatedAt: _u, version: _v, reports: srcReports, ...srcRest } = src;
    expect(rest).toEqual(srcRest);
    expect(version).toBe(1);
    expect(createdAt).toBe(updatedAt);
    expect(reports).toEqual(srcReports);
    expect(await t.store.incidents.get('ucdp_ged:nope')).toBeNull();
    const light = await t.store.incidents.query({ country: src.incident.location.country }, { limit: 1000, withReports: false });
    const item = light.items.find((x) => x.id === src.id)!;
    expect(item.reports).toEqual([]);
    expect(item.notes).toBe(src.notes);
    await t.store.incidents.setAssessment(src.id, ['aes-2023/art6']);
    const assessed = await t.store.incidents.query({ country: src.incident.location.country }, { limit: 1000, withReports: false });
    expect(assessed.items.find((x) => x.id === src.id)!.assessment).toEqual(['aes-2023/art6']);
    expect(assessed.nextCursor).toBe(light.nextCursor);
    await t.store.incidents.setAssessment(src.id, null);
  });

  it('re-importing the same rows changes nothing', async () => {
    const res = await t.store.incidents.upsertMany(data.slice(0, 50), { actor: 'test:again' });
    expect(res).toEqual({ imported: 0, updated: 0, unchanged: 50, conflicts: 0, ids: { imported: [], updated: [], conflicts: [], kept: [] } });
    expect((await t.store.incidents.get(data[0]!.id))!.version).toBe(1);
    expect(await t.store.incidents.count()).toBe(400);
  });

  it('pages newest first without duplicates or gaps, for several page sizes and filters', async () => {
    expect(await all({}, 37)).toEqual(sorted.map((r) => r.id));
    expect(await all({}, 1000)).toEqual(sorted.map((r) => r.id));
    const box: [number, number, number, number] = [-8, 12, 0, 20];
    expect(await all({ bbox: box }, 11)).toEqual(expected((r) => inBox(r, box)));
    expect(await all({ bbox: box, from: '2021-01-01', to: '2022-06-30' }, 5)).toEqual(
      expected((r) => inBox(r, box) && r.incident.date >= '2021-01-01' && r.incident.date <= '2022-06-30'),
    );
    const tiny: [number, number, number, number] = [-1, 14, 0, 15];
    expect(await all({ bbox: tiny }, 2)).toEqual(expected((r) => inBox(r, tiny)));
  });

  it('pages the same when the date walk gives up early and the spatial index takes over', async () => {
    const cases = [
      [[-1, 14, 0, 15], undefined, undefined, 2],
      [[-8, 12, 0, 20], '2021-01-01', '2022-06-30', 3],
      [[-12, 10, 4, 25], undefined, '2022-12-31', 9],
      [[-3, 11, -1, 13], '2020-01-01', undefined, 1],
      // Most rows, many sharing a day: the R*Tree's cut day falls amid ties, on the first page and after cursors.
      [[-12, 10, 4, 25], '2020-03-01', '2023-12-31', 4],
      [[-6, 10, 4, 25], undefined, undefined, 7],
    ] as Array<[[number, number, number, number], string | undefined, string | undefined, number]>;
    // Budget 5: the walk never fills a page. Budget 12 with pages 4× larger: it finds some rows, walks on at the
    // rate it found them (between two bounds), and fills the page or gives up to the spatial index.
    for (const [budget, scale] of [[5, 1], [12, 4]] as const) {
      const repo = t.store.incidents.withOptions({ scanBudget: budget });
      for (const [box, from, to, limit] of cases) {
        const filter: IncidentFilter = { bbox: box, ...(from ? { from } : {}), ...(to ? { to } : {}) };
        expect(await all(filter, limit * scale, repo), `${budget} ${JSON.stringify(filter)}`).toEqual(
          expected((r) => inBox(r, box) && (!from || r.incident.date >= from) && (!to || r.incident.date <= to)),
        );
      }
    }
  });

  it('pages stably while rows are added before the cursor', async () => {
    const first = await t.store.incidents.query({ country: 'NER' }, { limit: 10 });
    // A newer incident arrives; the next page continues where the first stopped.
    await t.store.incidents.create(makeRecord({ id: 'manual:late', date: '2030-01-01', country: 'NER', lat: 14, lon: 2 }), 'test:officer');
    const second = await t.store.incidents.query({ country: 'NER' }, { cursor: first.nextCursor, limit: 10 });
    const ner = expected((r) => r.incident.location.country === 'NER');
    expect([...first.items, ...second.items].map((x) => x.id)).toEqual(ner.slice(0, 20));
    expect(await t.store.incidents.remove('manual:late')).toBe(true);
    expect(await t.store.incidents.remove('manual:late')).toBe(false);
    expect(await t.store.incidents.count({ bbox: [1.5, 13.5, 2.5, 14.5], from: '2030-01-01' })).toBe(0);
  });

  it('filters by each criterion, and count agrees with the pages', async () => {
    const cases: Array<[IncidentFilter, (r: IncidentRecord) => boolean]> = [
      [{ bbox: [-5, 10, 2, 16] }, (r) => inBox(r, [-5, 10, 2, 16])],
      [{ from: '2022-01-01' }, (r) => r.incident.date >= '2022-01-01'],
      [{ to: '2020-12-31' }, (r) => r.incident.date <= '2020-12-31'],
      [{ kind: 'terrorist_attack' }, (r) => r.incident.kind === 'terrorist_attack'],
      [{ kind: ['civil_unrest', 'armed_rebellion'] }, (r) => ['civil_unrest', 'armed_rebellion'].includes(r.incident.kind)],
      [{ country: 'bfa' }, (r) => r.incident.location.country === 'BFA'],
      [{ country: ['MLI', 'NER'], minFatalities: 30 }, (r) => r.incident.location.country !== 'BFA' && (r.fatalities.best ?? 0) >= 30],
      [{ actor: 'burkina' }, (r) => r.actors.some((a) => a.name.includes('Burkina'))],
      [{ actor: 'IS SAHEL' }, (r) => r.actors.some((a) => a.name === 'IS Sahel')],
      [{ q: 'menaka' }, (r) => (r.notes ?? '').includes('Ménaka')],
      [{ q: 'AMBUSH convoy' }, (r) => (r.notes ?? '').includes('Ambush on a convoy')],
      [{ q: 'ambu' }, (r) => (r.notes ?? '').includes('Ambush')],
      [{ q: 'ambush nowhere' }, () => false],
      [{ precision: 'precise' }, (r) => r.locationPrecision === 'exact' || r.locationPrecision === 'near'],
      [{ dataset: 'acled' }, () => false],
      [{ admin1: 'mopti region' }, () => true],
      [{ admin1: 'Mopti' }, () => true],
      [{ admin1: 'Gao' }, () => false],
      [{ bbox: [-5, 10, 2, 16], from: '2021-01-01', kind: 'armed_attack', precision: 'precise' }, (r) =>
        inBox(r, [-5, 10, 2, 16]) && r.incident.date >= '2021-01-01' && r.incident.kind === 'armed_attack' && r.locationPrecision !== 'admin1'],
    ];
    for (const [filter, pred] of cases) {
      const want = expected(pred);
      expect(await all(filter, 50), JSON.stringify(filter)).toEqual(want);
      expect(await t.store.incidents.count(filter), JSON.stringify(filter)).toBe(want.length);
    }
  });

  it('includes the box edges, and the boxes of coarse events are flagged', async () => {
    const edge = data.find((r) => r.incident.location.lat !== undefined)!;
    const { lat, lon } = edge.incident.location as { lat: number; lon: number };
    const page = await t.store.incidents.query({ bbox: [lon, lat, lon, lat] });
    expect(page.items.map((x) => x.id)).toContain(edge.id);
    expect(await t.store.incidents.count({ bbox: [lon, lat, lon, lat] })).toBeGreaterThanOrEqual(1);
    expect(await t.store.incidents.count({ bbox: [lon + 1e-6, lat, lon + 1e-6, lat] })).toBe(0);
    const coarse = (await t.store.incidents.query({ precision: 'any' }, { limit: 1000 })).items.filter((x) => x.locationPrecision === 'admin1');
    expect(coarse.length).toBe(data.filter((r) => r.locationPrecision === 'admin1').length);
  });

  it('filters by polygon exactly (holes and multipolygons), after a bbox prefilter', async () => {
    // A square with a square hole, and a second square elsewhere.
    const outer = [[-10, 11], [-2, 11], [-2, 19], [-10, 19], [-10, 11]];
    const hole = [[-8, 13], [-4, 13], [-4, 17], [-8, 17], [-8, 13]];
    const other = [[0, 20], [3, 20], [3, 24], [0, 24], [0, 20]];
    const inSq = (r: IncidentRecord, ring: number[][]) => inBox(r, [ring[0]![0]!, ring[0]![1]!, ring[2]![0]!, ring[2]![1]!]);
    const polygon = { type: 'Polygon' as const, coordinates: [outer, hole] };
    const want = expected((r) => inSq(r, outer) && !inSq(r, hole));
    expect(want.length).toBeGreaterThan(20);
    expect(await all({ polygon }, 50)).toEqual(want);
    expect(await t.store.incidents.count({ polygon })).toBe(want.length);
    const multi = { type: 'MultiPolygon' as const, coordinates: [[outer, hole], [other]] };
    const want2 = expected((r) => (inSq(r, outer) && !inSq(r, hole)) || inSq(r, other));
    expect(await all({ multi: undefined, polygon: multi } as IncidentFilter, 50)).toEqual(want2);
    // A triangle: the exact test, not its bbox.
    const tri = { type: 'Polygon' as const, coordinates: [[[-12, 10], [4, 10], [-12, 25], [-12, 10]]] };
    const want3 = expected((r) => {
      const { lat, lon } = r.incident.location;
      return lat !== undefined && lon !== undefined && (lon + 12) / 16 + (lat - 10) / 15 < 1;
    });
    expect(await t.store.incidents.count({ polygon: tri })).toBe(want3.length);
    expect(await t.store.incidents.count({ polygon: tri, bbox: [-12, 10, -6, 14] })).toBe(
      want3.filter((id) => inBox(data.find((r) => r.id === id)!, [-12, 10, -6, 14])).length,
    );
  });

  it('clusters reconcile with count at every zoom, on the fast path and the grouped path', async () => {
    const boxes: Array<[number, number, number, number]> = [[-12, 10, 4, 25], [-6, 12, -1, 16], [-180, -85, 180, 85], [-3.3, 14.1, -3.1, 14.3]];
    const extras: IncidentFilter[] = [
      {}, { from: '2021-01-01', to: '2022-12-31' }, { from: '2021-03-15', to: '2022-08-02' }, { from: '2022-02-01', to: '2022-02-20' }, { to: '2021-06-30' },
      { precision: 'precise' }, { kind: 'armed_attack' }, { q: 'clashes', country: 'MLI' },
    ];
    for (const bbox of boxes) {
      for (const extra of extras) {
        const n = await t.store.incidents.count({ ...extra, bbox });
        for (const zoom of [0, 2, 5, 8, 12]) {
          const res = await t.store.incidents.clusters({ ...extra, bbox, zoom });
          expect(res.total, `${bbox} ${JSON.stringify(extra)} z${zoom}`).toBe(n);
          expect(res.clusters.reduce((s, c) => s + c.count, 0)).toBe(n);
          expect(new Set(res.clusters.map((c) => c.cell)).size).toBe(res.clusters.length);
          for (const c of res.clusters) {
            expect(c.lat).toBeGreaterThanOrEqual(bbox[1]);
            expect(c.lat).toBeLessThanOrEqual(bbox[3]);
            expect(c.coarse).toBeLessThanOrEqual(c.count);
            if (c.count === 1) {
              expect(c.id).toBeDefined();
              expect(c.precision).toBeDefined();
              expect(c.coarse).toBe(c.precision === 'admin1' ? 1 : 0);
            }
          }
        }
      }
    }
    // Finer zooms split clusters; coarse ones are counted as such.
    const z2 = await t.store.incidents.clusters({ bbox: [-12, 10, 4, 25], zoom: 2 });
    const z8 = await t.store.incidents.clusters({ bbox: [-12, 10, 4, 25], zoom: 8 });
    expect(z8.clusters.length).toBeGreaterThan(z2.clusters.length);
    expect(z2.clusters.reduce((s, c) => s + c.coarse, 0)).toBe(data.filter((r) => r.locationPrecision === 'admin1' && r.incident.location.lat !== undefined).length);
  });

  it('counts per period and per area', async () => {
    const month = await t.store.incidents.timeline({ country: 'MLI' }, 'month');
    const mli = data.filter((r) => r.incident.location.country === 'MLI');
    expect(month.reduce((s, p) => s + p.count, 0)).toBe(mli.length);
    expect(month.reduce((s, p) => s + p.fatalities, 0)).toBe(mli.reduce((s, r) => s + (r.fatalities.best ?? 0), 0));
    const m = month.find((p) => p.period === mli[0]!.incident.date.slice(0, 7))!;
    expect(m.count).toBe(mli.filter((r) => r.incident.date.startsWith(m.period)).length);
    expect(month.map((p) => p.period)).toEqual([...month.map((p) => p.period)].sort());
    const day = await t.store.incidents.timeline({}, 'day');
    expect(day.reduce((s, p) => s + p.count, 0)).toBe(400);
    const week = await t.store.incidents.timeline({ from: '2023-01-01' }, 'week');
    for (const w of week) expect(new Date(`${w.period}T00:00:00Z`).getUTCDay()).toBe(1); // Mondays
    const jan10 = await t.store.incidents.timeline({ from: '2023-01-10', to: '2023-01-10' }, 'week'); // a Tuesday
    if (jan10.length) expect(jan10[0]!.period).toBe('2023-01-09');
    const byCountry = await t.store.incidents.byArea({}, 'country');
    expect(byCountry.map((a) => [a.country, a.count]).sort()).toEqual(COUNTRIES.map((c) => [c, data.filter((r) => r.incident.location.country === c).length]).sort());
    const byAdmin = await t.store.incidents.byArea({ country: 'NER' }, 'admin1');
    expect(byAdmin).toEqual([{ country: 'NER', admin1: 'Mopti', count: data.filter((r) => r.incident.location.country === 'NER').length, fatalities: expect.any(Number) }]);
  });

  it('iterates every match newest first in constant-size pages', async () => {
    const got: string[] = [];
    for await (const r of t.store.incidents.iterate({ country: 'BFA' }, { pageSize: 13 })) got.push(r.id);
    expect(got).toEqual(expected((r) => r.incident.location.country === 'BFA'));
  });

  it('refuses bad filters with a message saying what to do', async () => {
    const bad: IncidentFilter[] = [
      { bbox: [1, 2, 3] as unknown as [number, number, number, number] },
      { bbox: [5, 0, 1, 1] },
      { from: '2023-05-01', to: '2023-01-01' },
      { from: '2023-02-30' },
      { country: 'XXX' },
      { kind: 'war' },
      { q: '!!!' },
      { polygon: { type: 'Point', coordinates: [1, 2] } as never },
    ];
    for (const f of bad) await expect(t.store.incidents.count(f), JSON.stringify(f)).rejects.toBeInstanceOf(InputError);
    await expect(t.store.incidents.query({}, { cursor: 'garbage' })).rejects.toThrow(/invalid cursor/);
    await expect(t.store.incidents.query({}, { limit: 0 })).rejects.toThrow(/limit/);
    await expect(t.store.incidents.clusters({ bbox: [0, 0, 1, 1], zoom: -1 })).rejects.toThrow(/zoom/);
  });
});

/** Writes and versions: each test on its own fresh store. */
describe.each(DIALECTS)('incident writes on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function reportCount(id: string): Promise<number> {
    return (await t.store.incidents.get(id))!.reports.length;
  }

  it('updates a changed row: version bumped, created_at kept, raw report appended, assessment cleared', async () => {
    const a = makeRecord({ id: 'ucdp_ged:1', fatalities: 3 });
    expect((await t.store.incidents.upsertMany([a])).ids.imported).toEqual(['ucdp_ged:1']);
    await t.store.incidents.setAssessment('ucdp_ged:1', ['aes/art6']);
    const before = (await t.store.incidents.get('ucdp_ged:1'))!;
    expect(before.assessment).toEqual(['aes/art6']);
    const a2 = makeRecord({ id: 'ucdp_ged:1', fatalities: 9, raw: { id: '1', best: 9 } });
    const res = await t.store.incidents.upsertMany([a2], { actor: 'test:import' });
    expect(res).toEqual({ imported: 0, updated: 1, unchanged: 0, conflicts: 0, ids: { imported: [], updated: ['ucdp_ged:1'], conflicts: [], kept: [] } });
    const after = (await t.store.incidents.get('ucdp_ged:1'))!;
    expect(after.version).toBe(2);
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.updatedAt >= before.updatedAt).toBe(true);
    expect(after.fatalities.best).toBe(9);
    expect(after.assessment).toBeNull();
    expect(after.reports.map((r) => r.raw)).toEqual([{ id: '1', best: 3 }, { id: '1', best: 9 }]);
    expect((await t.store.incidents.lastChange('ucdp_ged:1'))!.updatedBy).toBe('test:import');
    expect(await t.store.incidents.count({ minFatalities: 9 })).toBe(1);
  });

  it('ACLED rows replace the stored one only when their timestamp is newer', async () => {
    const id = 'acled:MLI1234';
    const v1 = makeRecord({ id, dataset: 'acled', timestamp: 1000, fatalities: 1, raw: { timestamp: 1000 } });
    const older = makeRecord({ id, dataset: 'acled', timestamp: 900, fatalities: 5, raw: { timestamp: 900 } });
    const same = makeRecord({ id, dataset: 'acled', timestamp: 1000, fatalities: 7, raw: { timestamp: 1000, x: 1 } });
    const newer = makeRecord({ id, dataset: 'acled', timestamp: 1100, fatalities: 2, raw: { timestamp: 1100 } });
    expect((await t.store.incidents.upsertMany([v1])).imported).toBe(1);
    expect((await t.store.incidents.upsertMany([older])).unchanged).toBe(1);
    expect((await t.store.incidents.upsertMany([same])).unchanged).toBe(1);
    expect((await t.store.incidents.get(id))!.fatalities.best).toBe(1);
    expect((await t.store.incidents.upsertMany([newer])).updated).toBe(1);
    const got = (await t.store.incidents.get(id))!;
    expect(got.fatalities.best).toBe(2);
    expect(got.source.timestamp).toBe(1100);
    expect(got.version).toBe(2);
    expect(await reportCount(id)).toBe(2);
    // The newer one re-imported: unchanged.
    expect((await t.store.incidents.upsertMany([newer])).unchanged).toBe(1);
  });

  it('folds repeated ids inside one batch in order', async () => {
    const x1 = makeRecord({ id: 'ucdp_ged:dup', fatalities: 1, raw: { n: 1 } });
    const x2 = makeRecord({ id: 'ucdp_ged:dup', fatalities: 2, raw: { n: 2 } });
    const res = await t.store.incidents.upsertMany([x1, x2, x1]);
    expect(res.imported).toBe(1);
    expect(res.updated).toBe(2);
    const got = (await t.store.incidents.get('ucdp_ged:dup'))!;
    expect(got.fatalities.best).toBe(1);
    expect(got.version).toBe(3);
    expect(got.reports.map((r) => r.raw)).toEqual([{ n: 1 }, { n: 2 }, { n: 1 }]);
  });

  it('creates manual incidents once, and updates them with optimistic versions', async () => {
    const rec = makeRecord({ id: 'manual:7b2f', dataset: 'manual', notes: 'Reported by the duty officer' });
    const created = await t.store.incidents.create(rec, 'officer:ada');
    expect(created.version).toBe(1);
    await expect(t.store.incidents.create(rec, 'officer:ada')).rejects.toThrow(/already exists/);
    const updated = await t.store.incidents.update('manual:7b2f', { notes: 'Confirmed: 4 soldiers killed', fatalities: { best: 4, low: 4, high: 4 } }, 1, 'officer:bob');
    expect(updated).not.toBeInstanceOf(VersionConflict);
    const u = updated as IncidentRecord;
    expect(u.version).toBe(2);
    expect(u.notes).toBe('Confirmed: 4 soldiers killed');
    expect(u.createdAt).toBe(created.createdAt);
    expect(await t.store.incidents.count({ q: 'confirmed soldiers' })).toBe(1);
    expect(await t.store.incidents.count({ q: 'duty officer' })).toBe(0); // the old text left the index
    const stale = await t.store.incidents.update('manual:7b2f', { notes: 'late edit' }, 1, 'officer:eve');
    expect(stale).toBeInstanceOf(VersionConflict);
    const c = stale as VersionConflict;
    expect(c.currentVersion).toBe(2);
    expect(c.updatedBy).toBe('officer:bob');
    expect(c.updatedAt).toBe(u.updatedAt);
    expect((await t.store.incidents.get('manual:7b2f'))!.notes).toBe('Confirmed: 4 soldiers killed');
    expect(await t.store.incidents.update('manual:none', { notes: 'x' }, 1, 'officer:eve')).toBeNull();
    // Moving the point moves it in the spatial index.
    const moved = await t.store.incidents.update('manual:7b2f', { incident: { ...u.incident, location: { country: 'NER', lat: 13.5, lon: 2.1 } } }, 2, 'officer:bob');
    expect((moved as IncidentRecord).version).toBe(3);
    expect(await t.store.incidents.count({ bbox: [2, 13, 3, 14], dataset: 'manual' })).toBe(1);
    expect(await t.store.incidents.count({ bbox: [-5, 14, -4, 15], dataset: 'manual' })).toBe(0);
  });

  it('stores assessments without bumping the version', async () => {
    await t.store.incidents.upsertMany([makeRecord({ id: 'ucdp_ged:as1' }), makeRecord({ id: 'ucdp_ged:as2' })]);
    expect(await t.store.incidents.setAssessments([{ id: 'ucdp_ged:as1', assessment: ['aes/art6', 'aes/art4'] }, { id: 'ucdp_ged:as2', assessment: [] }, { id: 'ucdp_ged:none', assessment: [] }])).toBe(2);
    const a = (await t.store.incidents.get('ucdp_ged:as1'))!;
    expect(a.assessment).toEqual(['aes/art6', 'aes/art4']);
    expect(a.version).toBe(1);
    expect((await t.store.incidents.get('ucdp_ged:as2'))!.assessment).toEqual([]);
    expect(await t.store.incidents.setAssessment('ucdp_ged:as1', null)).toBe(true);
    expect((await t.store.incidents.get('ucdp_ged:as1'))!.assessment).toBeNull();
    expect(await t.store.incidents.setAssessment('ucdp_ged:none', null)).toBe(false);
  });

  it('a rolled-back transaction leaves nothing: rows, reports, spatial and text indexes', async () => {
    const before = await t.store.incidents.count();
    const recs = [makeRecord({ id: 'ucdp_ged:rb1', notes: 'zanzibarword' }), makeRecord({ id: 'ucdp_ged:rb2', lat: 20.5, lon: 0.5 })];
    await expect(
      t.store.transaction(async (tx) => {
        expect((await tx.incidents.upsertMany(recs, { actor: 'test' })).imported).toBe(2);
        expect(await tx.incidents.count({ q: 'zanzibarword' })).toBe(1); // visible inside
        await tx.incidents.create(makeRecord({ id: 'manual:rb3' }), 'test');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.store.incidents.count()).toBe(before);
    expect(await t.store.incidents.get('ucdp_ged:rb1')).toBeNull();
    expect(await t.store.incidents.get('manual:rb3')).toBeNull();
    expect(await t.store.incidents.count({ q: 'zanzibarword' })).toBe(0);
    expect(await t.store.incidents.count({ bbox: [0, 20, 1, 21] })).toBe(0);
    // And a committed one keeps everything.
    await t.store.transaction(async (tx) => {
      await tx.incidents.upsertMany(recs, { actor: 'test' });
      await tx.incidents.setAssessment('ucdp_ged:rb1', ['x/1']);
    });
    expect(await t.store.incidents.count()).toBe(before + 2);
    expect((await t.store.incidents.get('ucdp_ged:rb1'))!.assessment).toEqual(['x/1']);
  });

  it('keeps the cluster summary right through inserts, updates, moves and removals', async () => {
    const recs = Array.from({ length: 60 }, (_, k) =>
      makeRecord({ id: `ucdp_ged:sum${k}`, lat: 11 + (k % 10) * 1.3, lon: -10 + Math.floor(k / 10) * 2.1, date: `20${18 + (k % 6)}-0${1 + (k % 9)}-15`, precision: k % 4 ? 'exact' : 'admin1' }),
    );
    await t.store.incidents.upsertMany(recs);
    // Move some (new coordinates and dates), change others in place, remove a few.
    await t.store.incidents.upsertMany(recs.slice(0, 20).map((r, k) => makeRecord({ id: r.id, lat: 20 - k * 0.4, lon: 3 - k * 0.6, date: '2019-12-31' })));
    await t.store.incidents.upsertMany(recs.slice(20, 30).map((r) => ({ ...r, notes: 'changed' })));
    for (const r of recs.slice(30, 35)) await t.store.incidents.remove(r.id);
    await t.store.transaction(async (tx) => {
      await tx.incidents.upsertMany(recs.slice(35, 40).map((r) => makeRecord({ id: r.id, lat: 12, lon: -1 })));
      throw new Error('rolled back');
    }).catch(() => {});
    const everything = { dataset: ['ucdp_ged', 'acled', 'geojson', 'incident_json', 'manual'] as IncidentFilter['dataset'] };
    for (const bbox of [[-12, 10, 4, 25], [-180, -85, 180, 85], [-6.5, 12.3, 0.2, 19.9]] as Array<[number, number, number, number]>) {
      const windows = [{}, { from: '2019-01-01', to: '2021-12-31' }, { from: '2019-06-01' }, { from: '2022-04-01', to: '2022-06-30' }, { from: '2019-07-01', to: '2021-06-30' }, { from: '2021-10-12', to: '2022-03-04' }, { from: '2021-05-03', to: '2021-05-20' }];
      for (const extra of windows as IncidentFilter[]) {
        for (const zoom of [1, 4, 6, 8]) {
          const fast = await t.store.incidents.clusters({ ...extra, bbox, zoom });
          const slow = await t.store.incidents.clusters({ ...extra, ...everything, bbox, zoom });
          expect(fast.total).toBe(await t.store.incidents.count({ ...extra, bbox }));
          expect(await t.store.incidents.count({ ...extra, bbox })).toBe(await t.store.incidents.count({ ...extra, ...everything, bbox }));
          const key = (r: typeof fast) => r.clusters.map((c) => [c.cell, c.count, c.coarse, c.id ?? null, Math.round(c.lat * 1e4), Math.round(c.lon * 1e4)]).sort();
          expect(key(fast), `${bbox} ${JSON.stringify(extra)} z${zoom}`).toEqual(key(slow));
        }
      }
    }
  });

  it('keeps records without coordinates out of spatial queries but in the others', async () => {
    await t.store.incidents.upsertMany([makeRecord({ id: 'ucdp_ged:nopoint', lat: null, lon: null, country: 'BFA', precision: 'country' })]);
    const got = (await t.store.incidents.get('ucdp_ged:nopoint'))!;
    expect(got.incident.location).toEqual({ country: 'BFA' });
    expect(await t.store.incidents.count({ country: 'BFA', dataset: 'ucdp_ged' })).toBeGreaterThanOrEqual(1);
    expect((await t.store.incidents.query({ bbox: [-180, -90, 180, 90] }, { limit: 1000 })).items.map((x) => x.id)).not.toContain('ucdp_ged:nopoint');
  });
});
