import type { Migration } from './migration.ts';

/**
 * Accounts (users, sessions, API tokens) and the hash-chained ledger.
 * Times are ISO 8601 UTC text on both dialects, so what is hashed in the
 * ledger reads back byte for byte; booleans are 0/1 integers.
 */
export const accountsLedger: Migration = {
  version: 2,
  name: 'accounts and ledger',
  up: async (db, dialect) => {
    const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

    // The ledger. seq is assigned by the appender (head + 1) under a lock, and is the
    // primary key: two appenders can never both write seq N, so the chain cannot fork.
    await db.schema
      .createTable('ledger_entry')
      .addColumn('seq', bigint, (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      // Canonical JSON text (sorted keys), not jsonb: stored exactly as hashed.
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ledger_entry_target').on('ledger_entry').columns(['target', 'seq']).execute();

    // The head (last seq and hash), rewritten in the same transaction as every append:
    // a tail cut off the ledger_entry table no longer matches it.
    await db.schema
      .createTable('ledger_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', bigint, (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    const id = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
    await db.schema
      .createTable('app_user')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', id)
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('party', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('disabled_at', 'text')
      .execute();

    // Sessions and tokens are kept as SHA-256 hashes of the secret: a copy of the
    // database does not let anyone sign in.
    await db.schema
      .createTable('user_session')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', bigint, (c) => c.notNull().references('app_user.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('user_session_user').on('user_session').column('user_id').execute();

    await db.schema
      .createTable('api_token')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', id)
      .addColumn('user_id', bigint, (c) => c.notNull().references('app_user.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('label', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('api_token_user').on('api_token').column('user_id').execute();
  },
};
