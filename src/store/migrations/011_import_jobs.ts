import type { Migration } from './migration.ts';

/**
 * Version 11: the server's import jobs in the store, not only in its memory. A job keeps its status,
 * progress and summary across a restart and can be read from any server process on the store; a job
 * whose process died (no heartbeat) becomes `interrupted` and its upload is deleted
 * (src/server/jobs.ts).
 */
export const importJobs: Migration = {
  version: 11,
  name: 'import jobs',
  up: async (db) => {
    await db.schema
      .createTable('import_job')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('upload_dir', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('heartbeat_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('import_job_status').on('import_job').columns(['status', 'heartbeat_at']).execute();
  },
};
