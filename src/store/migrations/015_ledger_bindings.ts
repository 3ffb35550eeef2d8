import type { Migration } from './migration.ts';

/**
 * Version 15: the content hashes an import batch's ledger entry binds. A batch may write 25,000
 * incidents; one ledger entry each would bury every other entry (the ledger screen pages 50 at a
 * time) and cost the import more than its own writes. So the batch's one entry carries the count and
 * a digest of its (incident, content hash) pairs, and the pairs are rows here, keyed by the entry's
 * seq: `ledger verify` recomputes the digest from these rows (a changed, added or removed row breaks
 * it) before comparing each incident with its hash (src/ledger/records.ts).
 */
export const ledgerBindings: Migration = {
  version: 15,
  name: 'ledger bindings',
  up: async (db, dialect) => {
    await db.schema
      .createTable('ledger_binding')
      .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ledger_binding_pk', ['seq', 'target'])
      .execute();
  },
};
