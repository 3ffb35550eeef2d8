import type { Migration } from './migration.ts';

/**
 * Version 12: the live feed's events in the store. Each event gets an id that grows in the order
 * events are committed, whichever server process made them: every process delivers the events it
 * reads from here (woken by LISTEN/NOTIFY on PostgreSQL), and a browser that reconnects with
 * Last-Event-ID is sent every event after it (src/server/feed.ts). `audience` is the policy
 * resource that limits who may read the event (a restricted note), or null for every reader.
 * Kept for a day, then pruned.
 */
export const feedEvents: Migration = {
  version: 12,
  name: 'feed events',
  up: async (db, dialect) => {
    await db.schema
      .createTable('feed_event')
      // AUTOINCREMENT on SQLite: an id is never given twice, even after the newest rows are pruned.
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('audience', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('feed_event_created').on('feed_event').column('created_at').execute();
  },
};
