import type { Migration } from './migration.ts';

/**
 * Version 10: sign-in throttling kept in the store, so that every server process on one
 * PostgreSQL counts the same failures and a restart forgets none (src/server/auth/throttle.ts):
 * consecutive failures per key (an account, an address, a known device) with the time until
 * which that key must wait, and the devices that signed in to an account before.
 */
export const loginThrottle: Migration = {
  version: 10,
  name: 'login throttle and known devices',
  up: async (db) => {
    await db.schema
      .createTable('login_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('blocked_until', 'text')
      .execute();
    await db.schema
      .createTable('known_device')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text', (c) => c.notNull())
      .execute();
  },
};
