import { Option, type Command } from 'commander';
import { TOKEN_DAYS } from '../../accounts/token-days.ts';
import { ROLES } from '../../accounts/roles.ts';
import type { AddOptions } from '../actions/users.ts';

/**
 * `foedus users add USERNAME --role ROLE [--party ISO3] [--password-stdin]`
 * `foedus users list [--json]`, `foedus users disable USERNAME`, `foedus users token USERNAME`
 *
 * Every change goes into the ledger as `cli:<os user>`. Without --password-stdin,
 * `add` makes a random one-time password, prints it once, and the user must change
 * it at first sign-in. `token` prints a new bearer token once: only its hash is kept.
 * What they do is in ../actions/users.ts, loaded when one of them runs.
 */

const DB_HELP = 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)';

const actions = () => import('../actions/users.ts');

export function register(program: Command): void {
  const users = program.command('users').description('User accounts: add, list, disable, issue API tokens.');

  users
    .command('add')
    .description('Add a user. A liaison acts for one party: give its ISO3 code with --party.')
    .argument('<username>', 'lower-case letters, digits, ".", "_" or "-"')
    .addOption(new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory())
    .option('--party <iso3>', "the liaison's party (ISO 3166-1 alpha-3, e.g. MLI)")
    .option('--password-stdin', 'read the password from stdin (otherwise a one-time password is generated and printed)')
    .option('--db <path>', DB_HELP)
    .action(async (username: string, opts: AddOptions) => (await actions()).add(username, opts));

  users
    .command('list')
    .description('List the users.')
    .option('--json', 'print JSON')
    .option('--db <path>', DB_HELP)
    .action(async (opts: { json?: boolean; db?: string }) => (await actions()).list(opts));

  users
    .command('disable')
    .description('Disable a user: it can no longer sign in, and its sessions and API tokens stop working.')
    .argument('<username>')
    .option('--db <path>', DB_HELP)
    .action(async (username: string, opts: { db?: string }) => (await actions()).disable(username, opts));

  users
    .command('token')
    .description('Issue a new bearer API token for a user and print it (once: only its hash is kept).')
    .argument('<username>')
    .option('--label <text>', 'what the token is for (kept in the ledger)')
    .option('--days <n>', `days until the token stops working, 1–${TOKEN_DAYS.max} (default ${TOKEN_DAYS.default})`)
    .option('--db <path>', DB_HELP)
    .action(async (username: string, opts: { label?: string; days?: string; db?: string }) => (await actions()).token(username, opts));
}
