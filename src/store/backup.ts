import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { InputError } from '../errors.ts';
import { closeDatabase, openDatabase, safeUrl, type StoreConfig } from './database.ts';
import { openStore } from './store.ts';

/**
 * Backups of a whole store, taken while the server runs, and their restore into a fresh store.
 *
 * - SQLite: `VACUUM INTO`, which copies the database as one read transaction sees it: a
 *   consistent snapshot however much the server writes meanwhile (WAL readers never wait for
 *   writers), and, unlike the page-by-page backup API, never restarted by those writes. The
 *   backup is itself a SQLite file; restoring copies it into place.
 * - PostgreSQL: pg_dump's custom format, the schema with the data: pg_dump reads everything in
 *   one repeatable-read snapshot, so it is consistent while the server writes, and it knows
 *   every object the migrations made (PostGIS-free, but triggers, sequences, indexes) without
 *   a list kept here. pg_restore loads it in one transaction: all or nothing.
 * Either way the restored store then runs the migrations, so an older backup opens in a newer Foedus.
 */

export type BackupKind = 'sqlite' | 'postgres';

/** The tools failed (pg_dump/pg_restore exited non-zero, or the copy failed its check): not the user's input. */
export class BackupFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFailed';
  }
}

export interface BackupResult {
  kind: BackupKind;
  file: string;
  bytes: number;
}

/** What kind of backup a file is, from its first bytes; null when it is neither. */
export function backupKindOf(file: string): BackupKind | null {
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1', 0, 16) === 'SQLite format 3\u0000') return 'sqlite';
  if (head.toString('latin1', 0, 5) === 'PGDMP') return 'postgres';
  return null;
}

/** Where the copy is written before it is renamed into place: a half-written backup never has the final name. */
function partial(file: string): string {
  return join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
}

export async function backupStore(config: StoreConfig, file: string): Promise<BackupResult> {
  if (existsSync(file)) throw new InputError(`${file} already exists; give a new file name (a backup never overwrites one)`, { code: 'backup_exists' });
  if (!existsSync(dirname(file) || '.')) throw new InputError(`the folder of ${file} does not exist`, { code: 'backup_folder_missing' });
  const tmp = partial(file);
  rmSync(tmp, { force: true });
  try {
    if (config.dialect === 'sqlite') await backupSqlite(config.path, tmp);
    else await backupPostgres(config, tmp);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { kind: config.dialect, file, bytes: statSync(file).size };
}

async function backupSqlite(path: string, tmp: string): Promise<void> {
  if (!existsSync(path)) throw new InputError(`there is no SQLite store at ${path}`, { code: 'store_missing' });
  const database = openDatabase({ dialect: 'sqlite', path });
  try {
    if (database.dialect !== 'sqlite') throw new Error('unreachable');
    database.raw.prepare('VACUUM INTO ?').run(tmp);
  } finally {
    await closeDatabase(database);
  }
  checkSqliteCopy(tmp);
}

/** A copy that is not a sound Foedus database is refused, as a backup or as a restore. */
function checkSqliteCopy(path: string): void {
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const ok = db.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new BackupFailed(`the copy ${path} fails SQLite's check: ${String(ok)}`);
    const ledger = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'ledger_head'").get();
    if (!ledger) throw new InputError(`${path} is a SQLite database but not a Foedus store (it has no ledger)`, { code: 'not_a_backup' });
  } finally {
    db.close();
  }
}

function schemaOf(config: Extract<StoreConfig, { dialect: 'postgres' }>): string {
  return config.schema ?? 'public';
}

/** Runs a PostgreSQL client tool; its stderr is the error when it fails. */
function run(tool: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new InputError(`${tool} is not on PATH: install the PostgreSQL client tools (the server's major version or newer)`, { code: 'pg_tools_missing' })
          : e,
      ),
    );
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new BackupFailed(`${tool} failed (exit ${code}): ${err.trim().split('\n').slice(0, 3).join(' ')}`))));
  });
}

async function backupPostgres(config: Extract<StoreConfig, { dialect: 'postgres' }>, tmp: string): Promise<void> {
  const schema = schemaOf(config);
  if ((await tablesIn(config.url, schema)) === 0) throw new InputError(`there is no Foedus store in schema ${schema} of ${safeUrl(config.url)}`, { code: 'store_missing' });
  const { dbname, env } = connection(config.url);
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${tmp}`, `--dbname=${dbname}`], env);
}

async function tablesIn(url: string, schema: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
  } catch (err) {
    throw new InputError(`cannot connect to PostgreSQL at ${safeUrl(url)}: ${(err as Error).message}`, { code: 'store_unavailable' });
  }
  try {
    const r = await c.query<{ n: string }>('select count(*) as n from information_schema.tables where table_schema = $1', [schema]);
    return Number(r.rows[0]!.n);
  } finally {
    await c.end();
  }
}

/** The URL without its password, which goes in PGPASSWORD instead: a command line is visible to every user of the machine (ps). */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  try {
    const u = new URL(url);
    if (!u.password) return { dbname: url, env: process.env };
    const password = decodeURIComponent(u.password);
    u.password = '';
    return { dbname: u.toString(), env: { ...process.env, PGPASSWORD: password } };
  } catch {
    return { dbname: url, env: process.env };
  }
}


/** Restores `file` into the store `config` names, which must be empty (a new SQLite path, or a schema without tables). */
export async function restoreStore(config: StoreConfig, file: string): Promise<BackupKind> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`there is no backup file ${file}`, { code: 'backup_missing' });
  const kind = backupKindOf(file);
  if (!kind) throw new InputError(`${file} is not a Foedus backup (neither a SQLite database nor a pg_dump archive)`, { code: 'not_a_backup' });
  if (kind !== config.dialect) {
    throw new InputError(`${file} is a ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup; restore it into a ${kind === 'sqlite' ? 'SQLite file (--db PATH)' : 'PostgreSQL store (--db postgres://…)'}`, { code: 'wrong_store' });
  }
  if (config.dialect === 'sqlite') await restoreSqlite(config.path, file);
  else await restorePostgres(config, file);
  // Brings an older backup up to this version's schema.
  const store = await openStore(config);
  await store.close();
  return kind;
}

async function restoreSqlite(path: string, file: string): Promise<void> {
  if (existsSync(path) && statSync(path).size > 0) {
    throw new InputError(`${path} already exists: restore into a new file (a restore never overwrites a store)`, { code: 'store_not_empty' });
  }
  if (!existsSync(dirname(path) || '.')) throw new InputError(`the folder of ${path} does not exist`, { code: 'store_folder_missing' });
  const tmp = partial(path);
  try {
    copyFileSync(file, tmp);
    checkSqliteCopy(tmp);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function restorePostgres(config: Extract<StoreConfig, { dialect: 'postgres' }>, file: string): Promise<void> {
  const schema = schemaOf(config);
  const list = await run('pg_restore', ['--list', file]);
  // The archive's tables name their schema: "123; 1259 16390 TABLE t_1 incidents postgres".
  const dumped = /^\d+; \d+ \d+ TABLE (\S+) /m.exec(list)?.[1];
  if (!dumped) throw new InputError(`${file} is a pg_dump archive without tables, not a Foedus backup`, { code: 'not_a_backup' });
  if (dumped !== schema) throw new InputError(`${file} holds schema ${dumped}; restore it where the store uses schema ${dumped}, not ${schema}`, { code: 'wrong_schema' });
  if ((await tablesIn(config.url, schema)) > 0) {
    throw new InputError(`schema ${schema} of ${safeUrl(config.url)} already has tables: restore into an empty database (a restore never overwrites a store)`, { code: 'store_not_empty' });
  }
  // The archive creates its schema (and comments on it); where the schema already exists (public
  // always does) those entries are left out of the restore's table of contents.
  const { dbname, env } = connection(config.url);
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`];
  if (await schemaExists(config.url, schema)) {
    const own = new RegExp(`\\bSCHEMA (- )?${schema}\\b`);
    const listFile = `${partial(file)}.list`;
    writeFileSync(listFile, list.split('\n').filter((l) => !own.test(l)).join('\n'));
    try {
      await run('pg_restore', [...args, `--use-list=${listFile}`, file], env);
    } finally {
      rmSync(listFile, { force: true });
    }
  } else {
    await run('pg_restore', [...args, file], env);
  }
}

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('select 1 from information_schema.schemata where schema_name = $1', [schema])).rowCount === 1;
  } finally {
    await c.end();
  }
}
