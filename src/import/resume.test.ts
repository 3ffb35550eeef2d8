import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestStore, type TestStore } from '../store/testing.ts';
import { IMPORT_ACTION, runImport } from './pipeline.ts';
import { col, realRows, tempDir, writeUcdp } from '../../test/import/fixtures.ts';

/**
 * A server import job taken over by another process (its own died after some batches committed)
 * resumes after those batches: the job ends with the counts one uninterrupted run gives, and each
 * batch is written, and in the ledger, once.
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.each(DIALECTS)('resuming a server import job on %s', (dialect) => {
  let taken: TestStore;
  let fresh: TestStore;
  beforeAll(async () => {
    taken = await openTestStore(dialect);
    fresh = await openTestStore(dialect);
  });
  afterAll(async () => {
    await taken.cleanup();
    await fresh.cleanup();
  });

  it('skips the committed batches and counts them from the ledger', async () => {
    // 600 real rows, a bad one among them and one given twice (the second time: unchanged).
    const rows = realRows().slice(0, 600).map((r) => [...r]);
    rows[250]![col.longitude] = 'east';
    rows.push(rows[10]!);
    const file = join(tmp.dir, `resume-${dialect}.csv`);
    writeUcdp(file, rows);
    const opts = { source: file, format: 'ucdp' as const, actor: 'test', batchSize: 100 };

    // The first process dies after its third batch: its run stops there (as a kill would, between commits).
    const stop = new AbortController();
    await expect(runImport({ ...opts, store: taken.store, job: { id: 'job-1', resume: false }, signal: stop.signal, onProgress: (p) => { if (p.batch === 3) stop.abort(); } })).rejects.toThrow();
    expect(await taken.store.incidents.count()).toBe(300);
    const resumed = await runImport({ ...opts, store: taken.store, job: { id: 'job-1', resume: true } });

    const alone = await runImport({ ...opts, store: fresh.store });
    const counts = ({ rows, imported, updated, unchanged, conflicts, rejected, batches }: typeof alone) => ({ rows, imported, updated, unchanged, conflicts, rejected, batches });
    expect(counts(resumed)).toEqual(counts(alone));
    expect(counts(alone)).toMatchObject({ rows: 601, imported: 599, unchanged: 1, rejected: 1, batches: 6 });
    expect(resumed.rejections).toEqual(alone.rejections);
    expect(await taken.store.incidents.count()).toBe(await fresh.store.incidents.count());
    const entries = (await taken.store.ledger.list({ target: `import:resume-${dialect}.csv`, limit: 100 })).filter((e) => e.action === IMPORT_ACTION);
    expect(entries.map((e) => (e.payload as { job: string; batch: number })).map((p) => `${p.job}#${p.batch}`)).toEqual([1, 2, 3, 4, 5, 6].map((b) => `job-1#${b}`));
  });
});
