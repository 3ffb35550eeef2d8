import type { Migration } from './migration.ts';

/**
 * Version 6: collective-response cases and their notes.
 *
 * A case is kept as one JSON document (src/response/model.ts: its positions,
 * obligations, requests, pledges and deployments change together, step by step),
 * with the columns lists filter on beside it. `version` is the optimistic lock: a step
 * updates the row only where the version is the one it read, so of two officers taking
 * the same step at once one wins and the other is told the case moved (409).
 * `parties` is " BFA MLI NER " (spaces around each code) so a party filter is one LIKE.
 *
 * Notes live in their own table, never in the case document: a restricted note must not
 * travel with the case to a party that may read the case but not the note.
 */
export const casesMigration: Migration = {
  version: 6,
  name: 'collective-response cases and notes',
  up: async (db, dialect) => {
    const id = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
    const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
    await db.schema
      .createTable('response_case')
      .addColumn('id', serial, id)
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('exercise', 'integer', (c) => c.notNull())
      .addColumn('incident_id', 'text')
      .addColumn('charter', 'text', (c) => c.notNull())
      .addColumn('provision', 'text', (c) => c.notNull())
      .addColumn('beneficiary', 'text')
      .addColumn('parties', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('response_case_state').on('response_case').columns(['state', 'id']).execute();
    await db.schema.createIndex('response_case_incident').on('response_case').column('incident_id').execute();
    await db.schema
      .createTable('case_note')
      .addColumn('id', serial, id)
      .addColumn('case_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull().references('response_case.id'))
      // The party a restricted note belongs to; for a shared note, the author's party (null for the secretariat).
      .addColumn('party', 'text')
      .addColumn('restricted', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_note_by_case').on('case_note').columns(['case_id', 'id']).execute();
  },
};
