import { closeDatabase, openDatabase, type Database, type Dialect, type StoreConfig } from '../database.ts';
import { migrate } from '../migrate.ts';
import { migrations } from '../migrations/index.ts';
import { createTestDatabase } from '../testing.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import { incidentDialect, IncidentRepository } from './repository.ts';

/**
 * For the tests of a migration that fills a tally from incidents already stored: a fresh database
 * brought up to the version before it, so the test stores incidents first and migrates the rest
 * itself (`migrate(pm.database)`), with the repository, its dialect and a reader of raw rows.
 */
export interface PartlyMigrated {
  config: StoreConfig;
  database: Database;
  repo: IncidentRepository;
  d: IncidentDialect;
  /** The rows of a raw query, on either dialect. */
  rows(q: string): Promise<Row[]>;
  /** Closes the database and drops it. */
  close(): Promise<void>;
}

export async function openPartlyMigrated(dialect: Dialect, below: number): Promise<PartlyMigrated> {
  const { config, drop } = await createTestDatabase(dialect);
  const database = openDatabase(config);
  await migrate(database, migrations.filter((m) => m.version < below));
  const ctx = { db: database.db, database, inTransaction: false };
  return {
    config,
    database,
    repo: new IncidentRepository(ctx),
    d: incidentDialect(ctx),
    rows: async (q) => (database.dialect === 'sqlite' ? (database.raw.prepare(q).all() as Row[]) : ((await database.raw.query(q)).rows as Row[])),
    close: async () => {
      await closeDatabase(database).catch(() => {});
      await drop();
    },
  };
}
