import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store.ts';
import { createTestDatabase } from '../testing.ts';
import { makeRecord, seededRandom } from './fixtures.ts';

/**
 * What the read workers are for: while whole-area reads run, the main thread's event loop stays free.
 *
 * In-process, better-sqlite3 runs each query synchronously and Kysely hands the connection from one
 * query to the next in microtasks, so a burst of map reads holds the loop for the whole burst: no timer
 * fires, no other request is answered. With workers the main thread only posts the calls and takes the
 * answers. Measured on a 2-core machine under a load average of 5–7, 40 cluster reads over 20,000
 * incidents: the loop stalled 1.05–3.9 s in-process, 9–150 ms with two workers.
 *
 * The bounds are loose on purpose: the in-process burst must hold the loop for longer than 400 ms
 * (else this test proves nothing), the workers' burst for less than 250 ms.
 */

const INCIDENTS = 20_000;
const BURST = 40;

describe('read workers keep the event loop free', () => {
  let plain: Store;
  let pooled: Store;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase('sqlite');
    drop = db.drop;
    plain = await openStore(db.config);
    const r = seededRandom(5);
    for (let k = 0; k < INCIDENTS; k += 5_000) {
      const batch = Array.from({ length: 5_000 }, (_, j) =>
        makeRecord({
          id: `ucdp_ged:${900000 + k + j}`,
          date: `202${Math.floor(r() * 4)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}`,
          lat: Math.round((10 + r() * 15) * 1e6) / 1e6,
          lon: Math.round((-12 + r() * 16) * 1e6) / 1e6,
          fatalities: Math.floor(r() * 40),
          actors: ['Government of Mali', r() < 0.5 ? 'JNIM' : 'IS Sahel'],
        }),
      );
      await plain.incidents.upsertMany(batch, { actor: 'test:seed' });
    }
    pooled = await openStore(db.config, { readWorkers: 2 });
    // Both workers started and warm (their module loading is not what this test measures).
    await Promise.all([pooled.incidents.count({ actor: 'jnim' }), pooled.incidents.count({ actor: 'sahel' })]);
  }, 60_000);
  afterAll(async () => {
    await pooled?.close();
    await plain?.close();
    await drop?.();
  });

  /** The longest the event loop went without running a 5 ms interval timer while `BURST` cluster reads ran. */
  async function longestStall(store: Store): Promise<{ stall: number; totals: number[] }> {
    let last = performance.now();
    let stall = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
    }, 5);
    try {
      // A filter no tally answers (actor, fatalities): every read walks the rows of the box.
      const reads = Array.from({ length: BURST }, (_, k) => store.incidents.clusters({ bbox: [-12, 10, 4, 25], zoom: 6, actor: k % 2 ? 'jnim' : 'sahel', minFatalities: k % 10 }));
      const totals = (await Promise.all(reads)).map((c) => c.total);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the tick after the last answer closes the last gap
      return { stall, totals };
    } finally {
      clearInterval(tick);
    }
  }

  it('in-process a burst of map reads stalls the loop; in workers it does not, with the same answers', async () => {
    const inProcess = await longestStall(plain);
    const inWorkers = await longestStall(pooled);
    expect(inWorkers.totals).toEqual(inProcess.totals);
    expect(Math.min(...inProcess.totals)).toBeGreaterThan(0);
    expect(inProcess.stall).toBeGreaterThan(400);
    expect(inWorkers.stall).toBeLessThan(250);
  }, 60_000);
});
