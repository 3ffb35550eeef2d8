import type { Migration } from './migration.ts';

/**
 * Webhooks and their durable outbox. A delivery row is written in the same
 * transaction as the change it announces, so a change is never committed without
 * its deliveries, and a restart loses none: the deliverer picks up every row still
 * `pending` whose `next_attempt_at` has come (src/server/webhooks/deliverer.ts).
 * The secret is kept as such (it must sign each delivery); only admins read this table
 * through the API, which never shows a secret again after it was created.
 */
export const webhooksMigration: Migration = {
  version: 4,
  name: 'webhooks and their delivery outbox',
  up: async (db, dialect) => {
    const bigint = dialect === 'postgres' ? 'bigint' : 'integer';
    const id = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
    await db.schema
      .createTable('webhook')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', id)
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      // JSON array of event types, or ["*"].
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('disabled_at', 'text')
      .execute();
    await db.schema
      .createTable('webhook_delivery')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook_id', bigint, (c) => c.notNull().references('webhook.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      // The exact bytes sent (and signed) at every attempt.
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('last_attempt_at', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .execute();
    await db.schema.createIndex('webhook_delivery_due').on('webhook_delivery').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('webhook_delivery_by_webhook').on('webhook_delivery').columns(['webhook_id', 'created_at']).execute();
  },
};
