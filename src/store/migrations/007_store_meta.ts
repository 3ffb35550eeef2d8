import type { Migration } from './migration.ts';

/**
 * Version 7: a small key → value table for facts about the store itself, such as which
 * charter versions the stored assessments were computed against (src/server/assessments.ts
 * recomputes them at start-up when the charters have changed).
 */
export const storeMeta: Migration = {
  version: 7,
  name: 'store meta',
  up: async (db) => {
    await db.schema
      .createTable('store_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
