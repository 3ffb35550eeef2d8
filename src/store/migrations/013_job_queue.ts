import type { Migration } from './migration.ts';

/**
 * Version 13: an import job on PostgreSQL goes through a durable queue (pg-boss, src/store/queue.ts)
 * so that another server process finishes it when its own dies. The row says which process runs it
 * (`owner`), which queue job carries it (`queue_job`), and how often it was started (`attempts`).
 */
export const jobQueue: Migration = {
  version: 13,
  name: 'job queue',
  up: async (db) => {
    await db.schema.alterTable('import_job').addColumn('owner', 'text').execute();
    await db.schema.alterTable('import_job').addColumn('queue_job', 'text').execute();
    await db.schema.alterTable('import_job').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};
