import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import type { IncidentRecord } from '../../incident/record.ts';
import { openStore, type Store } from '../store.ts';
import { createTestDatabase } from '../testing.ts';
import { makeRecord, seededRandom } from './fixtures.ts';
import { ReadWorkers } from './read-workers.ts';
import type { ClusterQuery, IncidentFilter } from './types.ts';

/**
 * The whole-area reads of a store opened with read workers (as the server opens a SQLite file) give
 * exactly what the same reads give in-process, on the same file: two stores on one SQLite file, one
 * plain (it also writes), one with two read workers.
 */

const KINDS = ['armed_attack', 'terrorist_attack', 'armed_rebellion', 'civil_unrest'] as const;
const COUNTRIES = ['MLI', 'BFA', 'NER'] as const;

function sahel(n: number): IncidentRecord[] {
  const r = seededRandom(11);
  return Array.from({ length: n }, (_, k) =>
    makeRecord({
      id: `ucdp_ged:${700000 + k}`,
      date: `202${Math.floor(r() * 4)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}`,
      lat: Math.round((10 + r() * 15) * 1e6) / 1e6,
      lon: Math.round((-12 + r() * 16) * 1e6) / 1e6,
      country: COUNTRIES[k % 3]!,
      kind: KINDS[k % 4]!,
      fatalities: Math.floor(r() * 40),
      precision: k % 5 === 0 ? 'admin1' : 'exact',
      actors: ['Government of Mali', k % 3 ? 'JNIM' : 'IS Sahel'],
    }),
  );
}

const FILTERS: IncidentFilter[] = [
  {},
  { bbox: [-8, 12, 0, 20] },
  { from: '2021-03-01', to: '2022-06-30' },
  { bbox: [-8, 12, 0, 20], from: '2021-03-01', to: '2022-06-30', kind: ['armed_attack', 'civil_unrest'] },
  { triggers: 'aes-2023/art6' },
  { triggers: 'any', country: 'MLI' },
  { actor: 'jnim', minFatalities: 10 },
];

const CLUSTER_QUERIES: ClusterQuery[] = [
  { bbox: [-12, 10, 4, 25], zoom: 4 },
  { bbox: [-8, 12, 0, 20], zoom: 7, from: '2021-01-01', to: '2021-12-31' },
  { bbox: [-12, 10, 4, 25], zoom: 5, triggers: 'aes-2023' },
];

describe('read workers on SQLite', () => {
  let plain: Store;
  let pooled: Store;
  let drop: () => Promise<void>;
  let path: string;

  beforeAll(async () => {
    const db = await createTestDatabase('sqlite');
    drop = db.drop;
    if (db.config.dialect !== 'sqlite') throw new Error('a SQLite file expected');
    path = db.config.path;
    plain = await openStore(db.config);
    const data = sahel(1500);
    await plain.incidents.upsertMany(data, { actor: 'test:seed' });
    await plain.incidents.setAssessments(
      data.filter((_, k) => k % 4 === 0).map((x, k) => ({ id: x.id, assessment: k % 2 ? ['aes-2023/art6'] : ['aes-2023/art4', 'aes-2023/art6'] })),
    );
    pooled = await openStore(db.config, { readWorkers: 2 });
  });
  afterAll(async () => {
    await pooled?.close();
    await plain?.close();
    await drop?.();
  });

  it('answers count, timeline and byArea exactly as in-process, for several filters', async () => {
    for (const f of FILTERS) {
      expect(await pooled.incidents.count(f)).toBe(await plain.incidents.count(f));
      for (const bucket of ['day', 'week', 'month'] as const) expect(await pooled.incidents.timeline(f, bucket)).toEqual(await plain.incidents.timeline(f, bucket));
      for (const level of ['country', 'admin1'] as const) expect(await pooled.incidents.byArea(f, level)).toEqual(await plain.incidents.byArea(f, level));
    }
    // Not vacuous: the filters select different, non-empty sets.
    const counts = await Promise.all(FILTERS.map((f) => pooled.incidents.count(f)));
    expect(new Set(counts).size).toBe(FILTERS.length);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('answers clusters and clustersByArticle exactly as in-process', async () => {
    for (const q of CLUSTER_QUERIES) {
      const c = await pooled.incidents.clusters(q);
      expect(c.total).toBeGreaterThan(0);
      expect(c).toEqual(await plain.incidents.clusters(q));
      expect(await pooled.incidents.clustersByArticle(q, 'aes-2023', ['art4', 'art6'])).toEqual(await plain.incidents.clustersByArticle(q, 'aes-2023', ['art4', 'art6']));
    }
  });

  it('rejects a bad filter with an InputError carrying its code, whether checked here or in the worker', async () => {
    // Checked on the main thread before any worker is asked.
    await expect(pooled.incidents.clusters({ bbox: [-12, 10, 4, 25], zoom: 99 })).rejects.toThrow(InputError);
    await expect(pooled.incidents.clustersByArticle({ bbox: [4, 10, -12, 25], zoom: 5 }, 'aes-2023', ['art6'])).rejects.toMatchObject({ code: 'invalid_filter' });
    await expect(pooled.incidents.count({ from: 'yesterday' })).rejects.toMatchObject({ name: 'InputError', code: 'invalid_filter' });
    await expect(pooled.incidents.byArea({ triggers: 'not a charter!' }, 'country')).rejects.toMatchObject({ name: 'InputError', code: 'invalid_filter' });
    // Checked in the worker (the bucket is the read's own argument): comes back as an InputError.
    const err = await pooled.incidents.timeline({}, 'year' as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ code: 'invalid_filter', message: expect.stringContaining('unknown timeline bucket "year"') });
  });

  it('sees a write committed on the main thread in its next read', async () => {
    const before = await pooled.incidents.count({ country: 'TCD' });
    await plain.incidents.upsertMany([makeRecord({ id: 'ucdp_ged:799001', country: 'TCD', lat: 13, lon: 18 })], { actor: 'test' });
    expect(await pooled.incidents.count({ country: 'TCD' })).toBe(before + 1);
    expect((await pooled.incidents.clusters({ bbox: [17, 12, 19, 14], zoom: 6 })).total).toBe(before + 1);
  });

  it('survives a worker that dies: its pending call rejects clearly, later calls succeed', async () => {
    const pool = new ReadWorkers(path, 2);
    try {
      const [first] = pool.workers;
      // Two calls at once: the pool gives one to each worker, the first to the first.
      const doomed = pool.call<number>('count', [{ actor: 'government' }]);
      const other = pool.call<number>('count', [{ actor: 'jnim' }]);
      await first!.terminate();
      await expect(doomed).rejects.toThrow(/^the read worker running count stopped before answering \(it exited with code \d+\)$/);
      expect(await other).toBe(await plain.incidents.count({ actor: 'jnim' }));
      expect(pool.workers).toHaveLength(1);
      for (const f of FILTERS) expect(await pool.call('count', [f])).toBe(await plain.incidents.count(f));
      // The next call replaced the dead one.
      expect(pool.workers).toHaveLength(2);
      expect(pool.workers).not.toContain(first);
    } finally {
      await pool.close();
    }
  });

  it('close() terminates every worker, and the store closes its own', async () => {
    const pool = new ReadWorkers(path, 2);
    expect(await pool.call('count', [{}])).toBe(await plain.incidents.count({}));
    const workers = [...pool.workers];
    const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    await pool.close();
    await Promise.all(exits);
    for (const w of workers) expect(w.threadId).toBe(-1); // -1 once a worker has stopped
    expect(pool.workers).toHaveLength(0);
    await expect(pool.call('count', [{}])).rejects.toThrow(/the store is closed/);

    const store = await openStore({ dialect: 'sqlite', path }, { readWorkers: 1 });
    expect(await store.incidents.count({})).toBe(await plain.incidents.count({}));
    await store.close();
    await expect(store.incidents.count({})).rejects.toThrow(/the store is closed/);
  });
});
