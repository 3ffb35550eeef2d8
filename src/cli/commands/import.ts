import { Option, type Command } from 'commander';
import { InputError } from '../../errors.ts';
import { IMPORT_FORMATS } from '../../import/types.ts';
import type { ImportCliOptions } from '../actions/import.ts';

/**
 * `foedus import FILE [--format ucdp|acled|geojson|incident] [--db PATH] [--strict] [--json]`
 *
 * Progress: a bar on stderr when it is a terminal (`--progress auto`);
 * `--progress json` prints one JSON line per committed batch on stderr,
 * `{"event":"committed",…}` (what it reports is in the store, even if the
 * process dies next); a strict import also prints `{"event":"written",…}`
 * per batch written inside its one, still uncommitted, transaction.
 * `--json` prints only the summary object on stdout.
 * Exit 0 when the import ran (rejected rows are listed, not fatal); 2 on a
 * strict failure or an unreadable file; 130 when interrupted.
 * What it does is in ../actions/import.ts, loaded when the command runs.
 */

function parseBatchSize(v: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1 || x > 1_000_000) throw new InputError(`--batch-size "${v}" must be a whole number from 1 to 1,000,000`);
  return x;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('Import incidents from a UCDP GED CSV, ACLED CSV, GeoJSON or incident JSON file (streaming, idempotent).')
    .argument('<file>', 'the file to import')
    .addOption(new Option('--format <format>', 'the file format (default: from the name and header)').choices([...IMPORT_FORMATS]))
    .option('--db <path>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .option('--strict', 'stop at the first bad row and leave the store exactly as before (one transaction)')
    .option('--json', 'print only the summary as JSON on stdout')
    .addOption(new Option('--progress <mode>', 'progress on stderr: a bar on a terminal (auto), or one JSON line per committed batch (json)').choices(['auto', 'bar', 'json', 'none']).default('auto'))
    .addOption(new Option('--batch-size <rows>', 'rows per committed batch').argParser(parseBatchSize).hideHelp())
    .action(async (file: string, opts: ImportCliOptions) => (await import('../actions/import.ts')).run(file, opts));
}
