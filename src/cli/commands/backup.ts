import type { Command } from 'commander';

/**
 * `foedus backup FILE [--db …]` and `foedus restore FILE [--db …]`
 *
 * A consistent copy of the whole store, taken while the server runs (SQLite: VACUUM INTO;
 * PostgreSQL: pg_dump, which must be on PATH), and its restore into a fresh store (a new
 * SQLite file, or an empty PostgreSQL database) followed by the migrations.
 * Exit 0 done; 2 bad input (FILE exists, no such store or backup, target not empty, pg_dump
 * missing); 3 the copy failed (pg_dump/pg_restore or SQLite's check). Neither ever overwrites.
 * What they do is in ../actions/backup.ts, loaded when the command runs.
 */

export interface BackupOptions {
  db?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const db = ['--db <path>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)'] as const;
  program
    .command('backup')
    .description('Copy the whole store, consistently, while the server runs (exit 3 when the copy fails).')
    .argument('<file>', 'the backup file to write (must not exist)')
    .option(...db)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: BackupOptions) => (await import('../actions/backup.ts')).backup(file, opts));
  program
    .command('restore')
    .description('Restore a backup into a fresh store (a new SQLite file or an empty PostgreSQL database).')
    .argument('<file>', 'a file written by "foedus backup"')
    .option(...db)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: BackupOptions) => (await import('../actions/backup.ts')).restore(file, opts));
}
