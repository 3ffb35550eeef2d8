import { InputError } from '../../errors.ts';
import { TOKEN_DAYS, addUser, checkRoleAndParty, checkUsername, disableUser, issueToken } from '../../accounts/accounts.ts';
import { randomPassword } from '../../accounts/secrets.ts';
import type { User } from '../../store/accounts/account-repository.ts';
import { cliActor, withStore } from '../store.ts';

/**
 * What `foedus users add | list | disable | token` do (declared, with their options, in
 * ../commands/users.ts). Every change goes into the ledger as `cli:<os user>`.
 */

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

export interface AddOptions { role: string; party?: string; passwordStdin?: boolean; db?: string }

export async function add(username: string, opts: AddOptions): Promise<void> {
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
}

export async function list(opts: { json?: boolean; db?: string }): Promise<void> {
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
}

export async function disable(username: string, opts: { db?: string }): Promise<void> {
  const user = await withStore(opts.db, (store) => disableUser(store, cliActor(), username));
  process.stdout.write(`Disabled ${describe(user)}: its sessions ended and its tokens were revoked.\n`);
}

export async function token(username: string, opts: { label?: string; days?: string; db?: string }): Promise<void> {
  const days = opts.days === undefined ? undefined : Number(opts.days);
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= TOKEN_DAYS.max)) {
    throw new InputError(`--days "${opts.days}" is not a whole number of days from 1 to ${TOKEN_DAYS.max}`, { code: 'bad_flag' });
  }
  const { token, user, record } = await withStore(opts.db, (store) => issueToken(store, cliActor(), username, opts.label ?? null, days));
  process.stderr.write(`New API token for ${describe(user)}, valid until ${record.expiresAt} (shown once; send it as "Authorization: Bearer <token>"):\n`);
  process.stdout.write(`${token}\n`);
}
