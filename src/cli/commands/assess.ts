import type { Command } from 'commander';
import type { AssessOptions } from '../actions/assess.ts';

/**
 * `foedus assess --incident FILE|- [--at DATE] [--charters DIR] [--json] [--lang fr|en]`
 *
 * Reads one incident (JSON), validates and normalises it, assesses it
 * against every charter and prints a readable explanation, or with --json
 * exactly the engine's result object, alone on stdout. What it does is in
 * ../actions/assess.ts, loaded when the command runs.
 */
export function register(program: Command): void {
  program
    .command('assess')
    .description('Assess an incident against every charter: which provisions it triggers, for whom, and why.')
    .option('--incident <file>', 'incident JSON file, or - to read it from stdin')
    .option('--at <date>', 'read membership and validity on this day instead of the incident date (YYYY-MM-DD)')
    .option('--charters <dir>', 'charters directory (default ./charters, else the shipped charters)')
    .option('--json', 'print exactly the engine result as JSON, alone on stdout')
    .option('--lang <lang>', 'language of the explanation: fr or en', 'en')
    .action(async (opts: AssessOptions) => (await import('../actions/assess.ts')).run(opts));
}
