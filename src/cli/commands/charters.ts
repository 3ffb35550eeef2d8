import type { Command } from 'commander';
import type { ListOptions, ShowOptions } from '../actions/charters.ts';

/**
 * `foedus charters list | show ID [--at DATE] | validate [DIR] | schema`
 *
 * Only the commands and their options are declared here; what they do is in
 * ../actions/charters.ts, loaded when one of them runs (so --help stays quick).
 */

const actions = () => import('../actions/charters.ts');

export function register(program: Command): void {
  const cmd = program.command('charters').description('List, show, validate the treaty files; print their JSON Schema.');

  cmd
    .command('list')
    .description('List the charters with their validity and number of parties today.')
    .option('--charters <dir>', 'charters directory')
    .option('--json', 'print JSON only')
    .option('--lang <lang>', 'fr or en', 'en')
    .action(async (opts: ListOptions) => (await actions()).list(opts));

  cmd
    .command('show')
    .description('Show a charter: parties in force on a day (suspended ones marked) and its articles.')
    .argument('<id>', 'charter id (see `foedus charters list`)')
    .option('--at <date>', 'the day to read membership on (YYYY-MM-DD, default today)')
    .option('--charters <dir>', 'charters directory')
    .option('--lang <lang>', 'fr or en', 'en')
    .option('--json', 'print the charter file as JSON')
    .action(async (id: string, opts: ShowOptions) => (await actions()).show(id, opts));

  cmd
    .command('validate')
    .description('Check every charter file of a directory; exit 2 listing each problem as file:line: path — reason.')
    .argument('[dir]', 'charters directory (default ./charters)')
    .action(async (dir: string | undefined) => (await actions()).validate(dir));

  cmd
    .command('schema')
    .description('Print the JSON Schema of a charter file (committed as charters/schema.json).')
    .action(async () => (await actions()).schema());
}
