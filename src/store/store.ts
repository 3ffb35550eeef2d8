import { resolve } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { closeDatabase, describeStore, openDatabase, type Database, type Dialect, type StoreConfig } from './database.ts';
import { migrate } from './migrate.ts';
import { notices, type Notices } from './notices.ts';
import { workQueue, type WorkQueue } from './queue.ts';
import { ledgerRepository, type LedgerRepository } from './ledger/ledger-repository.ts';
import { accountRepository, type AccountRepository } from './accounts/account-repository.ts';
import { IncidentRepository } from './incidents/repository.ts';
import { ReadWorkers } from './incidents/read-workers.ts';
import { webhookRepository, type WebhookRepository } from './webhooks/webhook-repository.ts';
import { caseRepository, type CaseRepository } from './cases/case-repository.ts';
import { metaRepository, type MetaRepository } from './meta/meta-repository.ts';
import { throttleRepository, type ThrottleRepository } from './accounts/throttle-repository.ts';
import { jobRepository, type JobRepository } from './jobs/job-repository.ts';
import { feedRepository, type FeedRepository } from './feed/feed-repository.ts';

/**
 * The one Store interface the rest of Foedus sees. Each repository (in its own
 * folder under src/store) alone holds the SQL for its records, on both dialects.
 * To add one: declare it in `Repositories` and build it in `repositories()`.
 */
export interface Repositories {
  ledger: LedgerRepository;
  accounts: AccountRepository;
  incidents: IncidentRepository;
  webhooks: WebhookRepository;
  cases: CaseRepository;
  meta: MetaRepository;
  throttle: ThrottleRepository;
  jobs: JobRepository;
  feed: FeedRepository;
}

export interface Store extends Repositories {
  readonly dialect: Dialect;
  /** "SQLite file ./foedus.db" or "PostgreSQL postgres://…": for logs and messages. */
  readonly description: string;
  /** Runs `fn` in one transaction; every repository of `tx` works inside it. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Fails when the database cannot answer (readiness checks). */
  ping(): Promise<void>;
  /**
   * Inside `transaction`: waits until no other transaction of any process holds the lock `name`,
   * and holds it until this one ends (PostgreSQL; SQLite's write lock, taken at BEGIN, already does).
   */
  lock(name: string): Promise<void>;
  /**
   * Runs `fn` unless another process on the store is running the work called `name` (a background
   * task that several server processes must not do at once); `false` when it is. SQLite: one server
   * process, so it always runs.
   */
  exclusive(name: string, fn: () => Promise<void>): Promise<boolean>;
  /** Messages to the other server processes on the same store (notices.ts); none on SQLite. */
  notices(name: string): Notices;
  /** A durable work queue shared by the server processes on PostgreSQL (queue.ts); null on SQLite. */
  queue<T extends object>(name: string, onError: (err: unknown) => void): WorkQueue<T> | null;
  close(): Promise<void>;
}

/** What a repository is built from: the Kysely handle (maybe a transaction) and the database it belongs to. */
export interface RepositoryContext {
  db: Kysely<any>;
  database: Database;
  /** True when `db` is a transaction. */
  inTransaction: boolean;
  /**
   * PostgreSQL inside `store.transaction`: the one pooled client the transaction
   * runs on (`db` is a Kysely over it), for bulk paths Kysely cannot express
   * (COPY). Undefined on SQLite and outside transactions.
   */
  pgClient?: pg.PoolClient;
}

function repositories(ctx: RepositoryContext): Repositories {
  return {
    incidents: new IncidentRepository(ctx),
    ledger: ledgerRepository(ctx),
    accounts: accountRepository(ctx),
    webhooks: webhookRepository(ctx),
    cases: caseRepository(ctx),
    meta: metaRepository(ctx),
    throttle: throttleRepository(ctx),
    jobs: jobRepository(ctx),
    feed: feedRepository(ctx),
  };
}

/** The first key of Foedus's PostgreSQL advisory locks taken by name (migrations use 727370 alone, the feed 727371). */
const LOCK_SPACE = 727372;

function buildStore(database: Database, db: Kysely<any>, inTransaction: boolean, pgClient?: pg.PoolClient): Store {
  const ctx: RepositoryContext = { db, database, inTransaction, ...(pgClient ? { pgClient } : {}) };
  return {
    ...repositories(ctx),
    dialect: database.dialect,
    description: describeStore(database.config),
    transaction: <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
      if (inTransaction) return fn(buildStore(database, db, true, pgClient));
      if (database.dialect === 'postgres') return pgTransaction(database, fn);
      return sqliteTransaction(database, db, fn);
    },
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    lock: async (name: string) => {
      if (!inTransaction) throw new Error('store.lock is only for use inside store.transaction');
      if (database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(current_schema() || ':' || ${name}))`.execute(db);
    },
    exclusive: async (name: string, fn: () => Promise<void>) => {
      if (database.dialect === 'sqlite') {
        await fn();
        return true;
      }
      // A session lock on one connection of the pool, held while `fn` works through the others;
      // a process that dies loses its connection and so its lock.
      return database.db.connection().execute(async (conn) => {
        const key = sql`${LOCK_SPACE}, hashtext(current_schema() || ':' || ${name})`;
        const r = await sql<{ got: boolean }>`select pg_try_advisory_lock(${key}) as got`.execute(conn);
        if (!r.rows[0]?.got) return false;
        try {
          await fn();
        } finally {
          await sql`select pg_advisory_unlock(${key})`.execute(conn);
        }
        return true;
      });
    },
    notices: (name: string) => notices(database, name),
    queue: <T extends object>(name: string, onError: (err: unknown) => void) =>
      workQueue<T>(database, name, onError, async (fn) => {
        if (database.dialect !== 'postgres') return fn();
        await pgTransaction(database, async (tx) => {
          await tx.lock(`queue ${name}`);
          await fn();
        });
      }),
    close: () => closeDatabase(database),
  };
}

/**
 * A PostgreSQL transaction on one pooled client that every repository shares:
 * Kysely queries go through a Kysely bound to that client, and bulk paths
 * (COPY in the incident repository) use the client itself, so all of it
 * commits or rolls back together.
 */
async function pgTransaction<T>(database: Database & { dialect: 'postgres' }, fn: (tx: Store) => Promise<T>): Promise<T> {
  const client = await database.raw.connect();
  // Kysely asks its "pool" for a connection per query; this one always lends the transaction's client.
  const lent = { query: (...args: unknown[]) => (client.query as (...a: unknown[]) => unknown)(...args), release: () => {} };
  const lend = { connect: async () => lent, end: async () => {} };
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: lend as unknown as pg.Pool }) });
  let broken = false;
  try {
    await client.query('begin');
    try {
      const out = await fn(buildStore(database, db, true, client));
      await client.query('commit');
      return out;
    } catch (err) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw err;
    }
  } finally {
    client.release(broken ? true : undefined);
  }
}

/**
 * A SQLite transaction that takes the write lock up front (BEGIN IMMEDIATE):
 * a deferred transaction that reads and then writes can fail at once with
 * SQLITE_BUSY when another process (the CLI beside the server) writes, whereas
 * an immediate one waits for the lock up to busy_timeout.
 */
async function sqliteTransaction<T>(database: Database, db: Kysely<any>, fn: (tx: Store) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const out = await fn(buildStore(database, conn, true));
      await sql`commit`.execute(conn);
      return out;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw err;
    }
  });
}

export interface OpenOptions {
  /**
   * SQLite: how many worker threads run the incidents' whole-area reads (read-workers.ts); 0, the
   * default, runs them on the calling thread. The server asks for them; the CLI and tests do not.
   * Ignored for an in-memory database (a worker could not see it) and on PostgreSQL (its reads wait on
   * the network, not on this thread).
   */
  readWorkers?: number;
}

/** Opens the store and brings its schema up to date (refusing a database written by a newer Foedus). */
export async function openStore(config: StoreConfig, options: OpenOptions = {}): Promise<Store> {
  const database = openDatabase(config);
  try {
    await migrate(database);
  } catch (err) {
    await closeDatabase(database).catch(() => {});
    throw err;
  }
  const workers = options.readWorkers ?? 0;
  // Started after the migrations: the workers open the file as it now is, and never migrate.
  if (database.dialect === 'sqlite' && config.dialect === 'sqlite' && workers > 0 && !inMemory(config.path)) {
    database.readers = new ReadWorkers(resolve(config.path), workers);
  }
  return buildStore(database, database.db, false);
}

function inMemory(path: string): boolean {
  return path === '' || path === ':memory:';
}
