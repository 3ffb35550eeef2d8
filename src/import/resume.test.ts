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

  it('goes on after the furthest batch when a batch between wrote nothing (it has no entry)', async () => {
    const rows = realRows().slice(0, 500).map((r) => [...r]);
    const file = join(tmp.dir, `resume-gap-${dialect}.csv`);
    const already = join(tmp.dir, `resume-gap-already-${dialect}.csv`);
    writeUcdp(file, rows);
    // Rows 100–199 are in both stores before the job: its second batch changes nothing.
    writeUcdp(already, rows.slice(100, 200));
    const gapTaken = await openTestStore(dialect);
    const gapFresh = await openTestStore(dialect);
    try {
      for (const s of [gapTaken.store, gapFresh.store]) await runImport({ source: already, format: 'ucdp', actor: 'test', store: s });
      const opts = { source: file, format: 'ucdp' as const, actor: 'test', batchSize: 100 };
      const stop = new AbortController();
      await expect(runImport({ ...opts, store: gapTaken.store, job: { id: 'job-gap', resume: false }, signal: stop.signal, onProgress: (p) => { if (p.batch === 3) stop.abort(); } })).rejects.toThrow();
      const resumed = await runImport({ ...opts, store: gapTaken.store, job: { id: 'job-gap', resume: true } });
      const alone = await runImport({ ...opts, store: gapFresh.store });
      const counts = ({ rows, imported, updated, unchanged, conflicts, rejected, batches }: typeof alone) => ({ rows, imported, updated, unchanged, conflicts, rejected, batches });
      expect(counts(alone)).toMatchObject({ rows: 500, imported: 400, unchanged: 100, batches: 5 });
      expect(counts(resumed)).toEqual(counts(alone));
      const entries = (await gapTaken.store.ledger.list({ target: `import:resume-gap-${dialect}.csv`, limit: 100 })).filter((e) => e.action === IMPORT_ACTION);
      expect(entries.map((e) => (e.payload as { batch: number }).batch)).toEqual([1, 3, 4, 5]);
    } finally {
      await gapTaken.cleanup();
      await gapFresh.cleanup();
    }
  });
});
