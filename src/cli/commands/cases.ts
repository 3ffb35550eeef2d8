import type { Command } from 'commander';
import type { Common, ExportOptions, ListOptions } from '../actions/cases.ts';

/**
 * `foedus cases list|show|export`: read collective-response cases from the store.
 *
 *   foedus cases list [--state S] [--party P] [--exercise | --real] [--json]
 *   foedus cases show ID [--lang fr|en] [--json]
 *   foedus cases export ID --format json|html [--lang fr|en] [--out FILE]
 *
 * Steps are taken through the API (they need a signed-in user and the policy table).
 * An export from the command line holds the shared notes only: restricted notes stay
 * with their party (read them through the API as that party's liaison or the secretariat).
 * Bad flags or an unknown case exit 2 with one line. What they do is in ../actions/cases.ts.
 */

const STATES = 'opened, consultation, decided, active, standing_down, closed, declined, withdrawn';
const actions = () => import('../actions/cases.ts');

export function register(program: Command): void {
  const cases = program.command('cases').description('Collective-response cases: list, show, export.');
  const db = ['--db <path|url>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)'] as const;

  cases
    .command('list')
    .description('Cases, newest first.')
    .option(...db)
    .option('--state <state>', `only cases in this state (${STATES})`)
    .option('--party <ISO3>', 'only cases concerning this party')
    .option('--exercise', 'only exercises')
    .option('--real', 'only real cases (no exercises)')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(async (o: ListOptions) => (await actions()).list(o));

  cases
    .command('show <id>')
    .description('One case: its state, decision, obligations (with their status now), requests, pledges and deployments.')
    .option(...db)
    .option('--lang <fr|en>', 'language of the texts', 'en')
    .option('--json', 'print the case as the API gives it')
    .action(async (id: string, o: Common) => (await actions()).show(id, o));

  cases
    .command('export <id>')
    .description('A case as JSON or as one printable HTML report (timeline, positions, requests, pledges, deployments, shortfall, compliance).')
    .option(...db)
    .requiredOption('--format <json|html>', 'json or html')
    .option('--lang <fr|en>', 'language of the report', 'en')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (id: string, o: ExportOptions) => (await actions()).exportOne(id, o));
}
