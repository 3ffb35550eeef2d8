import { Option, type Command } from 'commander';
import { InputError } from '../../errors.ts';
import { TOKEN_DAYS, addUser, checkRoleAndParty, checkUsername, disableUser, issueToken } from '../../accounts/accounts.ts';
import { randomPassword } from '../../accounts/secrets.ts';
import { ROLES, type User } from '../../store/accounts/account-repository.ts';
import { cliActor, withStore } from '../store.ts';

/**
 * `foedus users add USERNAME --role ROLE [--party ISO3] [--password-stdin]`
 * `foedus users list [--json]`, `foedus users disable USERNAME`, `foedus users token USERNAME`
 *
 * Every change goes into the ledger as `cli:<os user>`. Without --password-stdin,
 * `add` makes a random one-time password, prints it once, and the user must change
 * it at first sign-in. `token` prints a new bearer token once: only its hash is kept.
 */

const DB_HELP = 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)';

/** The password from stdin: everything read, less one trailing newline. */
export async function readPasswordFromStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stream as { isTTY?: boolean }).isTTY) {
    throw new InputError('--password-stdin reads the password from a pipe, e.g. `printf %s "$PW" | foedus users add …`');
  }
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text.length === 0) throw new InputError('--password-stdin: nothing was read from stdin');
  if (/[\r\n]/.test(text)) throw new InputError('--password-stdin: the password must be one line');
  return text;
}

function describe(u: User): string {
  return `${u.username} (${u.role}${u.party ? ` for ${u.party}` : ''})`;
}

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
    .action(async (username: string, opts: { role: string; party?: string; passwordStdin?: boolean; db?: string }) => {
      // The name, role and party are checked before anything is read from stdin.
      checkUsername(username);
      checkRoleAndParty(opts.role, opts.party);
      const oneTime = !opts.passwordStdin;
      const password = oneTime ? randomPassword() : await readPasswordFromStdin();
      const user = await withStore(opts.db, (store) =>
        addUser(store, cliActor(), { username, role: opts.role, party: opts.party ?? null, password, mustChangePassword: oneTime }),
      );
      process.stdout.write(`Added ${describe(user)}.\n`);
      if (oneTime) {
        process.stdout.write(`One-time password (shown once; it must be changed at first sign-in): ${password}\n`);
      }
    });

  users
    .command('list')
    .description('List the users.')
    .option('--json', 'print JSON')
    .option('--db <path>', DB_HELP)
    .action(async (opts: { json?: boolean; db?: string }) => {
      const list = await withStore(opts.db, (store) => store.accounts.listUsers());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list.map(({ id: _id, ...u }) => u), null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        process.stdout.write('No users yet.\n');
        return;
      }
      const rows = list.map((u) => [u.username, u.role, u.party ?? '-', u.disabledAt ? `disabled ${u.disabledAt}` : u.mustChangePassword ? 'active (must change password)' : 'active']);
      const header = ['USERNAME', 'ROLE', 'PARTY', 'STATE'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`);
    });

  users
    .command('disable')
    .description('Disable a user: it can no longer sign in, and its sessions and API tokens stop working.')
    .argument('<username>')
    .option('--db <path>', DB_HELP)
    .action(async (username: string, opts: { db?: string }) => {
      const user = await withStore(opts.db, (store) => disableUser(store, cliActor(), username));
      process.stdout.write(`Disabled ${describe(user)}: its sessions ended and its tokens were revoked.\n`);
    });

  users
    .command('token')
    .description('Issue a new bearer API token for a user and print it (once: only its hash is kept).')
    .argument('<username>')
    .option('--label <text>', 'what the token is for (kept in the ledger)')
    .option('--days <n>', `days until the token stops working, 1–${TOKEN_DAYS.max} (default ${TOKEN_DAYS.default})`)
    .option('--db <path>', DB_HELP)
    .action(async (username: string, opts: { label?: string; days?: string; db?: string }) => {
      const days = opts.days === undefined ? undefined : Number(opts.days);
      if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= TOKEN_DAYS.max)) {
        throw new InputError(`--days "${opts.days}" is not a whole number of days from 1 to ${TOKEN_DAYS.max}`, { code: 'bad_flag' });
      }
      const { token, user, record } = await withStore(opts.db, (store) => issueToken(store, cliActor(), username, opts.label ?? null, days));
      process.stderr.write(`New API token for ${describe(user)}, valid until ${record.expiresAt} (shown once; send it as "Authorization: Bearer <token>"):\n`);
      process.stdout.write(`${token}\n`);
    });
}
