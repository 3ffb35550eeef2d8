import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { InputError } from '../errors.ts';
import { aggregateGate, ungated, type AggregateGate } from './aggregate-gate.ts';
import type { ReadWorkers } from './incidents/read-workers.ts';

/**
 * Opening the database behind a Store: an embedded SQLite file by default,
 * PostgreSQL when a connection URL is given. Only src/store touches this.
 */

// int8 (count(*), bigserial) comes back as a string from pg; SQLite gives numbers.
// Our counts and ids fit in a double, so read them as numbers on both.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export type Dialect = 'sqlite' | 'postgres';

export type StoreConfig =
  | { dialect: 'sqlite'; path: string; /** Page cache cap in MiB (default 64); bulk imports raise it. */ cacheMiB?: number }
  | { dialect: 'postgres'; url: string; schema?: string; poolSize?: number };

/**
 * A Kysely handle plus the raw driver, for the few bulk paths (COPY, prepared batch inserts) Kysely can't express fast.
 * A SQLite server's store also has `readers`: worker threads that run the incidents' whole-area reads off its event loop.
 */
export type Database =
  | { dialect: 'sqlite'; db: Kysely<any>; raw: SQLite.Database; config: StoreConfig; aggregates: AggregateGate; readers?: ReadWorkers }
  | { dialect: 'postgres'; db: Kysely<any>; raw: pg.Pool; config: StoreConfig; aggregates: AggregateGate };

export const DEFAULT_SQLITE_PATH = './foedus.db';

/**
 * Which store to use, from a `--db` flag and the environment:
 * `--db postgres://…` or FOEDUS_DATABASE_URL → PostgreSQL; `--db PATH` or FOEDUS_DB → SQLite file;
 * otherwise ./foedus.db.
 */
export function resolveStoreConfig(dbFlag?: string, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const flag = dbFlag?.trim();
  if (flag) return /^postgres(ql)?:\/\//.test(flag) ? { dialect: 'postgres', url: flag } : { dialect: 'sqlite', path: flag };
  if (env.FOEDUS_DATABASE_URL) return { dialect: 'postgres', url: env.FOEDUS_DATABASE_URL };
  if (env.FOEDUS_DB) return { dialect: 'sqlite', path: env.FOEDUS_DB };
  return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };
}

export function describeStore(config: StoreConfig): string {
  if (config.dialect === 'sqlite') return `SQLite file ${config.path}`;
  const u = safeUrl(config.url);
  return `PostgreSQL ${u}${config.schema ? ` (schema ${config.schema})` : ''}`;
}

/** The URL with its password masked, for logs and messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export function openDatabase(config: StoreConfig): Database {
  if (config.dialect === 'sqlite') {
    let raw: SQLite.Database;
    try {
      raw = new SQLite(config.path);
    } catch (err) {
      throw new InputError(`cannot open the SQLite database ${config.path}: ${(err as Error).message}. Check the path and that its folder exists and is writable.`, { code: 'store_unavailable' });
    }
    // WAL lets readers (the server's queries) run beside the importer; NORMAL is
    // durable across process crashes (kill -9), which is what imports rely on.
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    // A 64 MiB page cache (the default is 2 MiB): an import touches the leaves of six b-tree indexes,
    // the R*Tree and FTS5 at random; with 2 MiB a 100k-row import spent a third of its time re-reading
    // them (23.6 s -> 16.5 s). A cap, not an allocation: memory stays bounded whatever the file size.
    // `foedus import` asks for more (BULK_CACHE_MIB): its large batches change more pages per commit.
    raw.pragma(`cache_size = -${Math.round((config.cacheMiB ?? 64) * 1024)}`);
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
    return { dialect: 'sqlite', db, raw, config, aggregates: ungated };
  }
  if (config.schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(config.schema)) {
    throw new InputError(`invalid PostgreSQL schema name "${config.schema}"`);
  }
  const poolSize = config.poolSize ?? 10;
  const raw = new pg.Pool({
    connectionString: config.url,
    max: poolSize,
    // Each connection works in the configured schema (tests use one schema per run).
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server (PostgreSQL restarted) must not crash the process;
  // the next query gets a fresh connection or a clear error.
  raw.on('error', () => {});
  // A client checked out when the server goes away emits 'error' on itself, not on
  // the pool; the query in flight already rejects, so this listener only keeps the
  // process alive (without it Node treats the event as an uncaught exception).
  raw.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: raw }) });
  return { dialect: 'postgres', db, raw, config, aggregates: aggregateGate(poolSize) };
}

export async function closeDatabase(d: Database): Promise<void> {
  if (d.dialect === 'sqlite') await d.readers?.close();
  await d.db.destroy(); // closes the pool / the SQLite handle
}

/** Prepared statements kept per connection (by SQL text): the queries of the routes are a few dozen texts. */
const STATEMENTS = 256;

/**
 * Kysely asks better-sqlite3 to prepare every query anew, and preparing (parsing and planning the
 * SQL) costs more than running the indexed lookups most requests make: an authenticated
 * GET /api/v1/auth/me answered in 222 µs (p50, one client) with every statement prepared anew,
 * 83 µs with them kept (docs/benchmarks.md). So `prepare`
 * returns the statement already made for the same text. Kysely never streams from SQLite here, so a
 * kept statement is never busy when it is asked for again.
 */
function withStatementCache(raw: SQLite.Database): SQLite.Database {
  const kept = new Map<string, SQLite.Statement>();
  const prepare = (sql: string): SQLite.Statement => {
    let s = kept.get(sql);
    if (s === undefined) {
      s = raw.prepare(sql);
      if (kept.size >= STATEMENTS) kept.delete(kept.keys().next().value!);
      kept.set(sql, s);
    }
    return s;
  };
  return new Proxy(raw, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
