import { BackupFailed, backupStore, restoreStore } from '../../store/backup.ts';
import { describeStore, resolveStoreConfig } from '../../store/database.ts';
import type { BackupOptions } from '../commands/backup.ts';
import { CliExit } from '../exit.ts';

/** What `foedus backup` and `foedus restore` do (declared, with their options, in ../commands/backup.ts). */

/** A failed copy is exit 3, apart from bad input (2) and bugs (1). */
async function failedIs3<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BackupFailed) throw new CliExit(3, err.message);
    throw err;
  }
}

export async function backup(file: string, opts: BackupOptions): Promise<void> {
  const config = resolveStoreConfig(opts.db);
  const r = await failedIs3(() => backupStore(config, file));
  if (opts.json) process.stdout.write(`${JSON.stringify({ ok: true, kind: r.kind, file: r.file, bytes: r.bytes })}\n`);
  else process.stdout.write(`Backed up ${describeStore(config)} to ${r.file} (${r.kind}, ${r.bytes.toLocaleString('en')} bytes).\n`);
}

export async function restore(file: string, opts: BackupOptions): Promise<void> {
  const config = resolveStoreConfig(opts.db);
  const kind = await failedIs3(() => restoreStore(config, file));
  if (opts.json) process.stdout.write(`${JSON.stringify({ ok: true, kind, file, store: describeStore(config) })}\n`);
  else process.stdout.write(`Restored ${file} into ${describeStore(config)}. Check it with: foedus ledger verify${opts.db ? ` --db ${opts.db}` : ''}\n`);
}
