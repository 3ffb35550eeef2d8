import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, DIALECTS } from './testing.ts';
import { openDatabase, closeDatabase, resolveStoreConfig } from './database.ts';
import { migrate } from './migrate.ts';
import { openStore } from './store.ts';
import type { Migration } from './migrations/migration.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const m1: Migration = {
  version: 1,
  name: 'widgets',
  up: async (db) => {
    await db.schema.createTable('widget').addColumn('id', 'integer', (c) => c.primaryKey()).execute();
  },
};
const m2: Migration = {
  version: 2,
  name: 'widget names',
  up: async (db) => {
    await db.schema.alterTable('widget').addColumn('name', 'text').execute();
  },
};

describe.each(DIALECTS)('store core on %s', (dialect) => {
  it('applies migrations once, in order, and records them', async () => {
    const { config, drop } = await createTestDatabase(dialect);
    const database = openDatabase(config);
    cleanups.push(drop, () => closeDatabase(database));
    expect(await migrate(database, [m1])).toEqual({ applied: [1], version: 1 });
    expect(await migrate(database, [m1, m2])).toEqual({ applied: [2], version: 2 });
    expect(await migrate(database, [m1, m2])).toEqual({ applied: [], version: 2 });
    await database.db.insertInto('widget').values({ id: 1, name: 'x' }).execute();
    const rows = await database.db.selectFrom('foedus_schema').select('version').orderBy('version').execute();
    expect(rows.map((r) => Number(r.version))).toEqual([1, 2]);
  });

  it('refuses a database written by a newer version, with a clear message', async () => {
    const { config, drop } = await createTestDatabase(dialect);
    const database = openDatabase(config);
    cleanups.push(drop, () => closeDatabase(database));
    await migrate(database, [m1, m2]);
    await expect(migrate(database, [m1])).rejects.toThrow(/newer version of Foedus \(schema version 2; this build knows up to 1\)/);
  });

  it('rolls back a failing migration entirely', async () => {
    const { config, drop } = await createTestDatabase(dialect);
    const database = openDatabase(config);
    cleanups.push(drop, () => closeDatabase(database));
    const broken: Migration = {
      version: 1,
      name: 'broken',
      up: async (db) => {
        await db.schema.createTable('half').addColumn('id', 'integer').execute();
        await sql`select * from no_such_table`.execute(db);
      },
    };
    await expect(migrate(database, [broken])).rejects.toThrow();
    const rows = await database.db.selectFrom('foedus_schema').selectAll().execute();
    expect(rows).toEqual([]);
  });

  it('opens a store that answers ping and runs transactions that roll back on error', async () => {
    const { config, drop } = await createTestDatabase(dialect);
    const store = await openStore(config);
    cleanups.push(drop, () => store.close());
    await store.ping();
    await expect(store.transaction(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  });
});

describe('resolveStoreConfig', () => {
  it('prefers the flag, then FOEDUS_DATABASE_URL, then FOEDUS_DB, then ./foedus.db', () => {
    expect(resolveStoreConfig('x.db', {})).toEqual({ dialect: 'sqlite', path: 'x.db' });
    expect(resolveStoreConfig('postgres://h/db', {})).toEqual({ dialect: 'postgres', url: 'postgres://h/db' });
    expect(resolveStoreConfig(undefined, { FOEDUS_DATABASE_URL: 'postgresql://a/b', FOEDUS_DB: 'y.db' })).toEqual({ dialect: 'postgres', url: 'postgresql://a/b' });
    expect(resolveStoreConfig(undefined, { FOEDUS_DB: 'y.db' })).toEqual({ dialect: 'sqlite', path: 'y.db' });
    expect(resolveStoreConfig(undefined, {})).toEqual({ dialect: 'sqlite', path: './foedus.db' });
  });
});
