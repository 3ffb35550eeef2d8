import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `foedus --help` and light commands must not load what they do not use: each command file
 * declares its options only and imports its action (../actions/) when it runs. These runs
 * record every module the process resolves and check none of the heavy ones is among them.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOOK = pathToFileURL(join(ROOT, 'test/cli/record-loads.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'foedus-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs bin/foedus.js (from the sources: FOEDUS_FROM_SOURCE is set for every test) and returns what it loaded. */
function loads(args: string[]): { status: number | null; src: string[]; packages: Set<string> } {
  const log = join(dir, `${args.join('_').replace(/\W+/g, '_')}.log`);
  const r = spawnSync(process.execPath, ['--import', HOOK, 'bin/foedus.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, FOEDUS_RECORD_LOADS: log },
    encoding: 'utf8',
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
  const paths = urls.map((u) => fileURLToPath(u));
  const src = [...new Set(paths.filter((p) => p.startsWith(join(ROOT, 'src/'))).map((p) => p.slice(ROOT.length)))].sort();
  const packages = new Set(paths.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1]).filter((p): p is string => p !== undefined));
  return { status: r.status, src, packages };
}

const HEAVY_PACKAGES = ['fastify', 'kysely', 'better-sqlite3', 'pg', '@node-rs/argon2', 'pino', 'cli-progress', 'zod', 'yaml', 'i18n-iso-countries'];

describe('the CLI loads only what a command needs', () => {
  it('--help: the command declarations, commander and a few dependency-free constants', () => {
    const r = loads(['--help']);
    expect(r.status).toBe(0);
    expect(HEAVY_PACKAGES.filter((p) => r.packages.has(p))).toEqual([]);
    const allowed = [
      /^src\/cli\/(main|exit)\.ts$/,
      /^src\/cli\/commands\/[a-z-]+\.ts$/,
      /^src\/errors\.ts$/,
      // Named in option choices and help texts; these modules import nothing at run time.
      /^src\/incident\/kinds\.ts$/,
      /^src\/import\/types\.ts$/,
      /^src\/accounts\/token-days\.ts$/,
      /^src\/store\/migrations\/005_token_expiry\.ts$/,
      /^src\/accounts\/roles\.ts$/,
    ];
    expect(r.src.filter((f) => !allowed.some((a) => a.test(f)))).toEqual([]);
  });

  it('charters list: the charter files, not the store, the server or the engine', () => {
    const r = loads(['charters', 'list', '--json']);
    expect(r.status).toBe(0);
    expect(['fastify', 'kysely', 'better-sqlite3', 'pg', '@node-rs/argon2', 'pino'].filter((p) => r.packages.has(p))).toEqual([]);
    expect(r.src.filter((f) => /^src\/(server|store\/store\.ts|charter\/engine)/.test(f))).toEqual([]);
    expect(r.src).toContain('src/cli/actions/charters.ts');
  });
});
