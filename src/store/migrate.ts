import { sql, type Kysely } from 'kysely';
import type { Database, Dialect } from './database.ts';
import type { Migration } from './migrations/migration.ts';
import { migrations as allMigrations } from './migrations/index.ts';
import { InputError } from '../errors.ts';

/**
 * Applies pending migrations, each in its own transaction, and records them
 * in `foedus_schema`. A database that holds a version this build does not
 * know was written by a newer Foedus: it is refused rather than misread.
 */
export async function migrate(database: Database, migrations: Migration[] = allMigrations): Promise<{ applied: number[]; version: number }> {
  checkOrder(migrations);
  // One connection throughout: PostgreSQL advisory locks belong to a session.
  return database.db.connection().execute((db) => migrateOn(db, database.dialect, migrations));
}

async function migrateOn(db: Kysely<any>, dialect: Dialect, migrations: Migration[]): Promise<{ applied: number[]; version: number }> {
  if (dialect === 'postgres') {
    // Two servers starting on one fresh database must not both migrate it.
    // The lock comes first: two `create table if not exists` at once can both try to make the table
    // (a duplicate-key error in PostgreSQL's catalogue, seen with two servers on a fresh database).
    await sql`select pg_advisory_lock(727370)`.execute(db);
  }
  try {
    await db.schema
      .createTable('foedus_schema')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();

    const rows = await db.selectFrom('foedus_schema').select(['version', 'name']).orderBy('version').execute();
    const known = new Map(migrations.map((m) => [m.version, m]));
    const newest = migrations.at(-1)?.version ?? 0;
    const unknown = rows.filter((r) => !known.has(Number(r.version)));
    if (unknown.length > 0) {
      const top = Math.max(...unknown.map((r) => Number(r.version)));
      throw new InputError(
        `this database was written by a newer version of Foedus (schema version ${top}; this build knows up to ${newest}). ` +
          'Upgrade Foedus, or point it at another database with --db.',
        { code: 'schema_too_new' },
      );
    }
    const done = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await db.transaction().execute(async (trx) => {
        await m.up(trx, dialect);
        await trx.insertInto('foedus_schema').values({ version: m.version, name: m.name, applied_at: new Date().toISOString() }).execute();
      });
      applied.push(m.version);
    }
    return { applied, version: newest };
  } finally {
    if (dialect === 'postgres') await sql`select pg_advisory_unlock(727370)`.execute(db);
  }
}

function checkOrder(migrations: Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version <= migrations[i - 1]!.version) {
      throw new Error(`migrations out of order: ${migrations[i - 1]!.name} then ${migrations[i]!.name}`);
    }
  }
}
