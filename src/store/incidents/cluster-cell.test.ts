import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, DIALECTS, type TestStore } from '../testing.ts';
import { makeRecord, seededRandom } from './fixtures.ts';
import type { BBox } from './types.ts';

/**
 * A map cluster's list (the `cell` filter) holds exactly the incidents the cluster counts.
 * The map used to list a tiny box around a cluster's mean point, which missed incidents
 * spread over the cluster's 64 px cell: at zoom 11 one cluster in seven listed nothing.
 * Here, at zooms 8 to 12, every cluster's cell gives back its count, with and without the
 * other filters.
 */
describe.each(DIALECTS)('cluster cells on %s', (dialect) => {
  let t: TestStore;
  const rand = seededRandom(11);
  // Incidents scattered over a few km around three towns, plus a few at one centroid.
  const towns: Array<[number, number]> = [[14.3349, -1.2513], [14.2, 1.45], [13.51, 2.11]];
  const data = Array.from({ length: 600 }, (_, i) => {
    const [lat, lon] = towns[i % 3]!;
    return makeRecord({ lat: lat + (rand() - 0.5) * 0.2, lon: lon + (rand() - 0.5) * 0.2, date: `2023-0${1 + (i % 9)}-1${i % 10}`, kind: i % 4 === 0 ? 'terrorist_attack' : 'armed_attack' });
  });
  const view: BBox = [-1.6, 13.2, 2.4, 14.6];

  beforeAll(async () => {
    t = await openTestStore(dialect);
    await t.store.incidents.upsertMany(data, { actor: 'test:seed' });
  });
  afterAll(async () => t?.cleanup());

  for (const zoom of [8, 11, 12]) {
    it(`lists exactly each cluster's incidents at zoom ${zoom}`, async () => {
      const res = await t.store.incidents.clusters({ bbox: view, zoom });
      expect(res.clusters.length).toBeGreaterThan(3);
      for (const c of res.clusters) {
        expect(await t.store.incidents.count({ bbox: view, cell: c.cell }), c.cell).toBe(c.count);
      }
      const filtered = await t.store.incidents.clusters({ bbox: view, zoom, kind: 'terrorist_attack', from: '2023-03-01' });
      for (const c of filtered.clusters) {
        const page = await t.store.incidents.query({ bbox: view, cell: c.cell, kind: 'terrorist_attack', from: '2023-03-01' }, { limit: 1000 });
        expect(page.items.length, c.cell).toBe(c.count);
      }
    });
  }

  it('refuses a cell that is not one, saying what to give', async () => {
    await expect(t.store.incidents.count({ cell: '23/0/0' })).rejects.toThrow(/level\/x\/y/);
    await expect(t.store.incidents.count({ cell: '3/8/0' })).rejects.toThrow(/not a map cell/);
  });
});
