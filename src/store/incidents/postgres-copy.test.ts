import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openTestStore, type TestStore } from '../testing.ts';
import { makeRecord } from './fixtures.ts';

/**
 * PostgreSQL's write path for a batch of new incidents (COPY straight into the
 * tables) and its fallback to the row-by-row upsert when another writer
 * stores one of the ids between the check and the COPY.
 */
describe('PostgreSQL upsertMany, all-new batches', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('postgres');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('stores a batch of new incidents with their reports and cluster summary, as the upsert would', async () => {
    const recs = [1, 2, 3].map((k) => makeRecord({ id: `ucdp_ged:copy${k}`, fatalities: k, lat: 14 + k / 10, lon: -2, raw: { k, note: 'tab\there "quoted" back\\slash' } }));
    const res = await t.store.incidents.upsertMany(recs, { actor: 'test:copy' });
    expect(res).toEqual({ imported: 3, updated: 0, unchanged: 0, conflicts: 0, ids: { imported: recs.map((r) => r.id), updated: [], conflicts: [], kept: [] } });
    const got = (await t.store.incidents.get('ucdp_ged:copy2'))!;
    expect(got.version).toBe(1);
    expect(got.fatalities.best).toBe(2);
    expect(got.reports.map((r) => r.raw)).toEqual([{ k: 2, note: 'tab\there "quoted" back\\slash' }]);
    expect((await t.store.incidents.lastChange('ucdp_ged:copy2'))!.updatedBy).toBe('test:copy');
    expect(await t.store.incidents.count({ bbox: [-3, 14, -1, 15] })).toBe(3);
    // The statement trigger saw the COPY: the cluster summary (read for whole years) agrees with the rows.
    expect((await t.store.incidents.clusters({ bbox: [-3, 14, -1, 15], zoom: 3 })).total).toBe(3);
    const pool = new pg.Pool({ connectionString: (t.config as { url: string }).url, ...((t.config as { schema?: string }).schema ? { options: `-c search_path=${(t.config as { schema: string }).schema}` } : {}) });
    try {
      const cells = await pool.query(`select sum(n)::int as n from incident_cells`);
      expect(cells.rows[0].n).toBe(3);
    } finally {
      await pool.end();
    }
    // Re-import: unchanged, nothing appended.
    expect((await t.store.incidents.upsertMany(recs)).unchanged).toBe(3);
    expect((await t.store.incidents.get('ucdp_ged:copy2'))!.reports).toHaveLength(1);
  });

  it('falls back to the upsert when a concurrent writer stores one of the ids first', async () => {
    const a = makeRecord({ id: 'ucdp_ged:race1', fatalities: 1, raw: { v: 'a' } });
    const b = makeRecord({ id: 'ucdp_ged:race2', fatalities: 2, raw: { v: 'b' } });
    const a2 = makeRecord({ id: 'ucdp_ged:race1', fatalities: 5, raw: { v: 'a2' } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let stored!: () => void;
    const first = new Promise<void>((r) => (stored = r));
    // Transaction 1 stores race1 and stays open; the batch [race1', race2] then finds no stored id,
    // its COPY waits on race1's key and fails with a unique violation once transaction 1 commits.
    const tx1 = t.store.transaction(async (tx) => {
      await tx.incidents.upsertMany([a]);
      stored();
      await held;
    });
    await first;
    const batch = t.store.incidents.upsertMany([a2, b]);
    await new Promise((r) => setTimeout(r, 300));
    release();
    await tx1;
    const res = await batch;
    expect(res).toEqual({ imported: 1, updated: 1, unchanged: 0, conflicts: 0, ids: { imported: ['ucdp_ged:race2'], updated: ['ucdp_ged:race1'], conflicts: [], kept: [] } });
    const got = (await t.store.incidents.get('ucdp_ged:race1'))!;
    expect(got.version).toBe(2);
    expect(got.reports.map((r) => r.raw)).toEqual([{ v: 'a' }, { v: 'a2' }]);
    expect((await t.store.incidents.get('ucdp_ged:race2'))!.reports).toHaveLength(1);
  });
});
