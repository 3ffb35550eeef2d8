import type { Store } from '../store/store.ts';

/**
 * What the committed batches of one server import job did, read back from the ledger. Each batch
 * commits with its ledger entry in one transaction, and the entry names the job (its payload's
 * `job`), so the entries are exactly what went in, whatever the job's own progress record said when
 * its process died. A run that takes the job over skips that many records of the file and starts
 * its counts from these (pipeline.ts), so the job ends with the counts one uninterrupted run gives.
 */
export interface Committed {
  batches: number;
  /** Records written (rejected rows are not records: they are counted again as the file is read). */
  records: number;
  imported: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  conflictIds: string[];
}

export const NOTHING_COMMITTED: Committed = { batches: 0, records: 0, imported: 0, updated: 0, unchanged: 0, conflicts: 0, conflictIds: [] };

const PAGE = 1000;

export async function committedBatches(store: Store, target: string, action: string, job: string): Promise<Committed> {
  const c: Committed = { ...NOTHING_COMMITTED, conflictIds: [] };
  for (let after = 0; ; ) {
    const page = await store.ledger.list({ target, after, limit: PAGE });
    for (const e of page) {
      const p = e.payload as Record<string, unknown> | null;
      if (e.action !== action || !p || p.job !== job) continue;
      c.batches = Math.max(c.batches, Number(p.batch));
      c.records += Number(p.records);
      c.imported += Number(p.imported);
      c.updated += Number(p.updated);
      c.unchanged += Number(p.unchanged);
      c.conflicts += Number(p.conflicts);
      if (Array.isArray(p.conflictIds)) c.conflictIds.push(...p.conflictIds.map(String));
    }
    if (page.length < PAGE) return c;
    after = page[page.length - 1]!.seq;
  }
}
