import type { Command } from 'commander';
import type { ComplianceOptions } from '../actions/cases.ts';

/**
 * `foedus compliance --party MLI --from DAY --to DAY [--lang fr|en] [--json]`: one party's
 * record across real cases — obligations settled in the period (met, met late, unmet, and those
 * still overdue) and pledges accepted in it (honoured, partly, dishonoured), with the items each
 * figure counts. Exercises are never counted. Bad flags exit 2 with one line.
 */
export function register(program: Command): void {
  program
    .command('compliance')
    .description("A party's obligations met, met late and unmet, and its pledges honoured, across real cases in a period.")
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .requiredOption('--party <ISO3>', 'the party, e.g. MLI')
    .requiredOption('--from <YYYY-MM-DD>', 'first day (included)')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (included)')
    .option('--lang <fr|en>', 'language of the summary', 'en')
    .option('--json', 'print every figure with its items as JSON')
    .action(async (o: ComplianceOptions) => (await import('../actions/cases.ts')).compliance(o));
}
