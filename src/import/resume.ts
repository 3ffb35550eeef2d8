import type { Store } from '../store/store.ts';

/**
 * What the committed batches of one server import job did, read back from the ledger. Each batch
 * commits with its ledger entry in one transaction, and the entry names the job (its payload's
 * `job`), so the entries are exactly what went in, whatever the job's own progress record said when
 * its process died. A run that takes the job over skips that many records of the file and starts
 * its counts from these (pipeline.ts), so the job ends with the counts one uninterrupted run gives.
 *
 * A batch that wrote nothing has no entry (a re-import of an unchanged file leaves the ledger as it
 * was). Each entry says how far into the file its job had got (`through`), so the run taking over
 * skips up to the furthest, and counts the records of batches without an entry as unchanged: a batch
 * writes nothing only when every record in it was already in as it stands (a corrected incident's
 * repeated conflict, which also writes nothing, is then counted as unchanged: the one case where the
 * counts of a taken-over job can differ from one run's).
 */
export interface Committed {
  batches: number;
  /** Valid records of the file the committed batches reach (rejected rows are counted again as the file is read). */
  through: number;
  imported: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  conflictIds: string[];
}

export const NOTHING_COMMITTED: Committed = { batches: 0, through: 0, imported: 0, updated: 0, unchanged: 0, conflicts: 0, conflictIds: [] };

const PAGE = 1000;

export async function committedBatches(store: Store, target: string, action: string, job: string): Promise<Committed> {
  const c: Committed = { ...NOTHING_COMMITTED, conflictIds: [] };
  let written = 0;
  for (let after = 0; ; ) {
    const page = await store.ledger.list({ target, after, limit: PAGE });
    for (const e of page) {
      const p = e.payload as Record<string, unknown> | null;
      if (e.action !== action || !p || p.job !== job) continue;
      c.batches = Math.max(c.batches, Number(p.batch));
      written += Number(p.records);
      c.through = Math.max(c.through, Number(p.through ?? 0));
      c.imported += Number(p.imported);
      c.updated += Number(p.updated);
      c.unchanged += Number(p.unchanged);
      c.conflicts += Number(p.conflicts);
      if (Array.isArray(p.conflictIds)) c.conflictIds.push(...p.conflictIds.map(String));
    }
    if (page.length < PAGE) {
      c.unchanged += Math.max(0, c.through - written);
      return c;
    }
    after = page[page.length - 1]!.seq;
  }
}
