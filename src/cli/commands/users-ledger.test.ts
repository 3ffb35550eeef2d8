import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createTestDatabase, DIALECTS, TEST_PG_URL } from '../../store/testing.ts';
import { openDatabase, closeDatabase, type StoreConfig } from '../../store/database.ts';
import { main } from '../main.ts';
import { readPasswordFromStdin } from '../actions/users.ts';

/**
 * `foedus users …` and `foedus ledger verify` on both stores: main() in-process for most
 * runs (exit codes are what main() returns to bin/foedus.js), a child process where stdin matters.
 */

const BIN = fileURLToPath(new URL('../../../bin/foedus.js', import.meta.url));

function dbArg(config: StoreConfig): string {
  if (config.dialect === 'sqlite') return config.path;
  // The test schema travels in the URL (libpq `options`), as a user could do too.
  return `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${config.schema}`)}`;
}

/** The real CLI in a child process (used where stdin matters): slow, so used sparingly. */
function spawnFoedus(db: string, args: string[], input: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--db', db], { input, encoding: 'utf8', env: { ...process.env, FOEDUS_DEBUG: '' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI's main() in this process, its output captured; returns the exit code main() gives the process. */
async function foedus(db: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write;
  process.exitCode = undefined;
  let status: number;
  try {
    status = await main(['node', 'foedus', ...args, '--db', db]);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = undefined;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}

async function rawSql(config: StoreConfig, statement: string): Promise<void> {
  const d = openDatabase(config);
  try {
    await sql.raw(statement).execute(d.db);
  } finally {
    await closeDatabase(d);
  }
}

describe('reading the password from stdin', () => {
  it('takes one line, less its newline; refuses nothing and several lines', async () => {
    expect(await readPasswordFromStdin(Readable.from(['a long pass', 'word\r\n']))).toBe('a long password');
    await expect(readPasswordFromStdin(Readable.from([]))).rejects.toThrow(/nothing was read/);
    await expect(readPasswordFromStdin(Readable.from(['one\ntwo\n']))).rejects.toThrow(/one line/);
  });
});

describe.each(DIALECTS)('foedus users / ledger verify on %s', (dialect) => {
  let config: StoreConfig;
  let drop: () => Promise<void>;
  let db: string;
  beforeAll(async () => {
    ({ config, drop } = await createTestDatabase(dialect));
    db = dbArg(config);
  });
  afterAll(async () => {
    await drop();
  });

  it('adds, lists, issues a token, disables; each change is in the ledger and verifies (exit 0)', async () => {
    const add = spawnFoedus(db, ['users', 'add', 'liaison-mli', '--role', 'liaison', '--party', 'mli', '--password-stdin'], 'a long password\n');
    expect(add, add.stderr).toMatchObject({ status: 0, stdout: 'Added liaison-mli (liaison for MLI).\n' });

    const oneTime = await foedus(db, ['users', 'add', 'Chief', '--role', 'admin']);
    expect(oneTime.status).toBe(0);
    expect(oneTime.stdout).toMatch(/^Added chief \(admin\)\.\nOne-time password .*: [A-Za-z0-9_-]{22}\n$/);

    const token = await foedus(db, ['users', 'token', 'liaison-mli', '--label', 'scripts', '--days', '30']);
    expect(token.status).toBe(0);
    expect(token.stdout).toMatch(/^fdt_[A-Za-z0-9_-]{43}\n$/);
    const until = /valid until (\S+) /.exec(token.stderr)![1]!;
    expect(Math.round((Date.parse(until) - Date.now()) / 86_400_000)).toBe(30);

    expect((await foedus(db, ['users', 'disable', 'liaison-mli'])).status).toBe(0);

    const list = await foedus(db, ['users', 'list', '--json']);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ username: 'chief', role: 'admin', party: null, mustChangePassword: true, disabledAt: null }),
      expect.objectContaining({ username: 'liaison-mli', role: 'liaison', party: 'MLI', disabledAt: expect.any(String) }),
    ]);
    expect((await foedus(db, ['users', 'list'])).stdout).toMatch(/^USERNAME +ROLE +PARTY +STATE\nchief +admin +- +active \(must change password\)\nliaison-mli +liaison +MLI +disabled /);

    const verify = await foedus(db, ['ledger', 'verify']);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/^Ledger intact: 4 entries checked in .*\nHead: entry 4, hash [0-9a-f]{64}\n/);
    const json = JSON.parse((await foedus(db, ['ledger', 'verify', '--json'])).stdout);
    expect(json).toMatchObject({ ok: true, checked: 4, head: { seq: 4 } });
  });

  it('bad input exits 2 with one readable line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['users', 'add', 'x2', '--role', 'liaison'], /a liaison acts for one party/],
      [['users', 'add', 'x2', '--role', 'liaison', '--party', 'ZZZ'], /not an ISO 3166-1 alpha-3/],
      [['users', 'add', 'x2', '--role', 'observer', '--party', 'MLI'], /only liaisons are bound to a party/],
      [['users', 'add', 'no spaces', '--role', 'observer'], /invalid username/],
      [['users', 'add', 'chief', '--role', 'observer'], /already exists/],
      [['users', 'disable', 'ghost'], /no user named "ghost"/],
      [['users', 'token', 'liaison-mli'], /is disabled/],
      [['users', 'token', 'chief', '--days', '0'], /--days "0" is not a whole number of days/],
      [['ledger', 'verify', '--anchor', '3:abc'], /must be SEQ:HASH/],
    ];
    for (const [args, message] of cases) {
      const r = await foedus(db, args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const short = spawnFoedus(db, ['users', 'add', 'x2', '--role', 'observer', '--password-stdin'], 'short\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toBe('foedus: the password is too short: use at least 10 characters\n');
    const common = spawnFoedus(db, ['users', 'add', 'x2', '--role', 'observer', '--password-stdin'], 'password12\n');
    expect(common.status).toBe(2);
    expect(common.stderr).toBe('foedus: this password is on a list of common passwords that attackers try first: choose another\n');
    const role = await foedus(db, ['users', 'add', 'x3', '--role', 'king']);
    expect(role.status).toBe(2);
    expect(role.stderr).toMatch(/Allowed choices are secretariat, liaison, observer, admin/);
  });

  it('ledger verify exits 1 and names the entry edited directly in the database', async () => {
    await rawSql(config, `update ledger_entry set payload = '{"username":"liaison-mli","role":"admin","party":null,"mustChangePassword":false}' where seq = 1`);
    const r = await foedus(db, ['ledger', 'verify']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Ledger BROKEN at entry 1 \(hash mismatch\): entry 1 was changed after it was written/);
  });

  it('ledger verify exits 1 and names where a row was deleted directly in the database', async () => {
    const { config: c2, drop: drop2 } = await createTestDatabase(dialect);
    try {
      const db2 = dbArg(c2);
      for (const name of ['aa', 'bb', 'cc', 'dd']) expect((await foedus(db2, ['users', 'add', name, '--role', 'observer'])).status).toBe(0);
      await rawSql(c2, 'delete from ledger_entry where seq = 2');
      const r = await foedus(db2, ['ledger', 'verify', '--json']);
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, checked: 1, firstBroken: { seq: 3, reason: 'gap in sequence' } });
    } finally {
      await drop2();
    }
  });
});
