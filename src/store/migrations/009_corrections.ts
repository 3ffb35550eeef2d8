import { sql } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Version 9: who corrected an incident by hand, and when. An import never overwrites a corrected
 * incident: a source row that differs from it is kept beside it (its report) and counted as a
 * conflict for a person to resolve, so a re-import cannot silently undo a duty officer's correction.
 */
export const corrections: Migration = {
  version: 9,
  name: 'manual corrections survive re-imports',
  up: async (db) => {
    await sql`alter table incidents add column corrected_at text`.execute(db);
    await sql`alter table incidents add column corrected_by text`.execute(db);
  },
};
