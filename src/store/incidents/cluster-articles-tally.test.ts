import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../incident/record.ts';
import type { Database } from '../database.ts';
import { migrate } from '../migrate.ts';
import { DIALECTS } from '../testing.ts';
import { articleCountsOfRows } from './cluster-articles.ts';
import { articleCountsByTally } from './cluster-articles-tally.ts';
import type { IncidentDialect } from './dialect.ts';
import { makeRecord, seededRandom } from './fixtures.ts';
import { normaliseFilter } from './filter.ts';
import { openPartlyMigrated, type PartlyMigrated } from './partly-migrated.ts';
import { dayNumber } from './rows.ts';
import type { IncidentRepository } from './repository.ts';
import type { BBox } from './types.ts';

/**
 * The per-(key, cell, year) tally of triggered charters and articles (migration 17) against the rows:
 * after the migration's fill, assessments, corrections, a change of date, deletes and a re-import,
 * every tally row equals the count computed here from the stored assessments, and the map's counts by
 * article read through the tally equal the rows' own for large boxes (some cut through the incidents),
 * several zooms and windows of whole years (windows with partial years must take the rows).
 */

const CHARTER = 'aes-2023';
const ARTICLES = ['1', '2', '4', '5', '6'];
const PAIRS = [...ARTICLES.map((a) => `${CHARTER}/${a}`), 'nato-1949/5', 'ecowas-pmad-1981/4'];

/** Incidents over the Sahel and around it, on year ends and other days, some without a place. */
function records(n: number, seed: number): IncidentRecord[] {
  const r = seededRandom(seed);
  const days = ['2016-12-31', '2017-01-01', '2020-02-29', '2019-06-30', '2022-12-31'];
  return Array.from({ length: n }, (_, k) => {
    const date = k % 4 === 0 ? days[k % days.length]! : `20${15 + Math.floor(r() * 10)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
    const noPoint = k % 23 === 0;
    return makeRecord({
      id: `ucdp_ged:${seed * 10000 + k}`,
      date,
      lat: noPoint ? null : Math.round((6 + r() * 21) * 1e6) / 1e6,
      lon: noPoint ? null : Math.round((-15 + r() * 34) * 1e6) / 1e6,
    });
  });
}

/** An assessment: nothing, no pairs, or a few (sometimes repeated, sometimes of other charters). */
function assessment(r: () => number): string[] | null {
  const x = r();
  if (x < 0.15) return null;
  if (x < 0.3) return [];
  return Array.from({ length: 1 + Math.floor(r() * 4) }, () => PAIRS[Math.floor(r() * PAIRS.length)]!);
}

const BOXES: BBox[] = [
  [-12, 9, 16, 24], // the Sahel: edges cut through the incidents
  [-20, 0, 30, 30], // all of them
  [-5.37, 11.21, 6.73, 19.93], // a region, every edge inside the incidents
  [-0.3, 14.1, 0.1, 14.3], // a few km: no cell wholly inside (rows)
];
const ZOOMS = [3, 5, 7, 8];
const WINDOWS: Array<[string | undefined, string | undefined]> = [
  [undefined, undefined],
  ['2016-01-01', '2020-12-31'],
  ['2017-03-15', '2022-11-10'],
  [undefined, '2019-06-30'],
  ['2018-07-01', undefined],
  ['2019-02-01', '2019-10-31'],
];

describe.each(DIALECTS)('incidents triggering each article per cell on %s', (dialect) => {
  let pm: PartlyMigrated;
  let database: Database;
  let repo: IncidentRepository;
  let d: IncidentDialect;
  let rows: PartlyMigrated['rows'];

  beforeAll(async () => {
    pm = await openPartlyMigrated(dialect, 17);
    ({ database, repo, d, rows } = pm);
  });
  afterAll(async () => {
    await pm?.close();
  });

  async function assess(ids: string[], seed: number): Promise<void> {
    const r = seededRandom(seed);
    await repo.setAssessments(ids.map((id) => ({ id, assessment: assessment(r) })));
  }

  /** Every tally row not fallen to zero against the same counts computed here from the stored assessments. */
  async function expectTallyMatchesRows(): Promise<void> {
    const expected = new Map<string, number>();
    for (const x of await rows('select morton, date, assessment from incidents where morton is not null and assessment is not null')) {
      const pairs: string[] = typeof x.assessment === 'string' ? JSON.parse(x.assessment) : x.assessment;
      const keys = new Set([...pairs, ...pairs.filter((p) => p.includes('/')).map((p) => p.slice(0, p.indexOf('/')))]);
      for (const key of keys) {
        const k = `${key}|${Math.floor(Number(x.morton) / 2 ** 24)}|${Number(x.date.slice(0, 4))}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
    }
    const stored = (await rows('select key, cell, year, n from incident_trigger_cells where n <> 0')).map((x) => `${x.key}|${Number(x.cell)}|${Number(x.year)}|${Number(x.n)}`);
    expect(stored.sort()).toEqual([...expected].map(([k, n]) => `${k}|${n}`).sort());
  }

  /** The counts through the tally equal the rows' own; returns how many queries took the tally. */
  async function expectAnswersMatchRows(): Promise<number> {
    let byTally = 0;
    for (const bbox of BOXES) {
      for (const zoom of ZOOMS) {
        for (const [from, to] of WINDOWS) {
          const f = normaliseFilter({ bbox, from, to });
          const level = Math.floor(zoom) + 2;
          const tally = await articleCountsByTally(d, f, level, CHARTER, ARTICLES);
          if (!tally) continue;
          byTally++;
          expect(tally, JSON.stringify({ bbox, zoom, from, to })).toEqual(await articleCountsOfRows(d, f, level, CHARTER, ARTICLES));
        }
      }
    }
    return byTally;
  }

  it('fills the tally from the incidents already stored', async () => {
    const recs = records(600, 1);
    await repo.upsertMany(recs, { actor: 'test' });
    await assess(recs.filter((_, k) => k % 3 !== 0).map((r) => r.id), 2);
    await migrate(database);
    await expectTallyMatchesRows();
    // The large boxes at zooms up to 8 take the tally; the small one and zooms past 8 never do.
    expect(await expectAnswersMatchRows()).toBeGreaterThanOrEqual(24);
    const small = normaliseFilter({ bbox: BOXES[3]! });
    expect(await articleCountsByTally(d, small, 7, CHARTER, ARTICLES)).toBeNull();
    expect(await articleCountsByTally(d, normaliseFilter({ bbox: BOXES[0]! }), 11, CHARTER, ARTICLES)).toBeNull();
    expect(await articleCountsByTally(d, normaliseFilter({ bbox: BOXES[0]!, kind: 'armed_attack' }), 7, CHARTER, ARTICLES)).toBeNull();
    expect(await articleCountsByTally(d, normaliseFilter({ bbox: BOXES[0]!, from: '2017-03-15' }), 7, CHARTER, ARTICLES)).toBeNull();
    // Through the repository, the clusters' counts are the tally's.
    const map = await repo.clustersByArticle({ bbox: BOXES[0]!, zoom: 5 }, CHARTER, ARTICLES);
    const counts = await articleCountsOfRows(d, normaliseFilter({ bbox: BOXES[0]! }), map.level, CHARTER, ARTICLES);
    expect(map.clusters.reduce((n, c) => n + c.triggering, 0)).toBe([...counts.values()].reduce((n, c) => n + c.triggering, 0));
    expect(map.clusters.reduce((n, c) => n + c.triggering, 0)).toBeGreaterThan(0);
  });

  it('keeps it through assessments, corrections, a change of date, deletes and a re-import', async () => {
    const recs = records(600, 1);
    // New assessments for all, some replacing others, some cleared.
    await assess(recs.map((r) => r.id), 3);
    await expectTallyMatchesRows();
    // Corrections move incidents and change their dates (clearing their assessments); then assessed again.
    const moved = recs.filter((_, k) => k % 7 === 1);
    for (const [k, r] of moved.entries()) {
      const current = (await repo.get(r.id))!;
      const date = k % 2 ? '2021-01-01' : '2016-12-31';
      const location = k % 5 ? { country: 'NER', lat: 13.5 + k / 100, lon: 2.1 - k / 100 } : { country: 'BFA' };
      expect(await repo.update(r.id, { incident: { ...current.incident, date, location }, dateEnd: date }, current.version, 'test')).toBeTruthy();
    }
    await expectTallyMatchesRows();
    await assess(moved.map((r) => r.id), 4);
    await expectTallyMatchesRows();
    // A change of date (across a year) that keeps the assessment, as any direct write might.
    const ids = sql.join(recs.slice(0, 60).map((r) => r.id));
    await sql`update incidents set date = '2015-06-01' where id in (${ids})`.execute(database.db);
    // SQLite's rows path finds box and dates through the R*Tree: it moves with the row.
    const day = dayNumber('2015-06-01');
    if (dialect === 'sqlite') await sql`update incidents_rtree set min_day = ${day}, max_day = ${day} where rid in (select rid from incidents where id in (${ids}))`.execute(database.db);
    await expectTallyMatchesRows();
    for (const r of recs.filter((_, k) => k % 9 === 2)) await repo.remove(r.id);
    await expectTallyMatchesRows();
    // A re-import with new content for some clears their assessments.
    await repo.upsertMany(recs.map((r, k) => (k % 4 ? r : { ...r, notes: 'revised' })), { actor: 'test' });
    await expectTallyMatchesRows();
    expect(await expectAnswersMatchRows()).toBeGreaterThanOrEqual(24);
  });
});
