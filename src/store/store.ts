import { sql, type Kysely } from 'kysely';
import { closeDatabase, describeStore, openDatabase, type Database, type Dialect, type StoreConfig } from './database.ts';
import { migrate } from './migrate.ts';
import { ledgerRepository, type LedgerRepository } from './ledger/ledger-repository.ts';
import { accountRepository, type AccountRepository } from './accounts/account-repository.ts';

/**
 * The one Store interface the rest of Foedus sees. Each repository (in its own
 * folder under src/store) alone holds the SQL for its records, on both dialects.
 * To add one: declare it in `Repositories` and build it in `repositories()`.
 */
export interface Repositories {
  ledger: LedgerRepository;
  accounts: AccountRepository;
}

export interface Store extends Repositories {
  readonly dialect: Dialect;
  /** "SQLite file ./foedus.db" or "PostgreSQL postgres://…": for logs and messages. */
  readonly description: string;
  /** Runs `fn` in one transaction; every repository of `tx` works inside it. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Fails when the database cannot answer (readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What a repository is built from: the Kysely handle (maybe a transaction) and the database it belongs to. */
export interface RepositoryContext {
  db: Kysely<any>;
  database: Database;
  /** True when `db` is a transaction. */
  inTransaction: boolean;
}

function repositories(ctx: RepositoryContext): Repositories {
  return {
    ledger: ledgerRepository(ctx),
    accounts: accountRepository(ctx),
  };
}

function buildStore(database: Database, db: Kysely<any>, inTransaction: boolean): Store {
  const ctx: RepositoryContext = { db, database, inTransaction };
  return {
    ...repositories(ctx),
    dialect: database.dialect,
    description: describeStore(database.config),
    transaction: <T>(fn: (tx: Store) => Promise<T>) =>
      inTransaction ? fn(buildStore(database, db, true)) : db.transaction().execute((trx) => fn(buildStore(database, trx, true))),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => closeDatabase(database),
  };
}

/** Opens the store and brings its schema up to date (refusing a database written by a newer Foedus). */
export async function openStore(config: StoreConfig): Promise<Store> {
  const database = openDatabase(config);
  try {
    await migrate(database);
  } catch (err) {
    await closeDatabase(database).catch(() => {});
    throw err;
  }
  return buildStore(database, database.db, false);
}
