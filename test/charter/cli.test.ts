import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { assess } from '../../src/charter/engine.ts';
import { loadCharters } from '../../src/charter/loader.ts';
import { parseIncident } from '../../src/incident/validate.ts';

/** The real `foedus` binary, run as a user would (each run starts Node + tsx: slow on a loaded machine). */
vi.setConfig({ testTimeout: 120_000 });

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/foedus.js');
const TMP = mkdtempSync(join(tmpdir(), 'foedus-cli-'));

function foedus(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const p = join(TMP, name);
  writeFileSync(p, content);
  return p;
}

const NIGER = {
  id: 'niger-oct-2023',
  date: '2023-10-05',
  kind: 'armed_attack',
  location: { country: 'NER', lat: 13.51, lon: 2.11 },
  perpetrator: { type: 'state', country: 'NGA' },
  target: { type: 'territory', country: 'NER' },
};

function expectOneLineError(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\s+at .*\(.*:\d+:\d+\)/);
}

describe('foedus assess', () => {
  it('--json prints exactly the engine result, alone on stdout', () => {
    const f = file('niger.json', JSON.stringify(NIGER));
    const r = foedus(['assess', '--incident', f, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['at', 'triggered', 'not_triggered', 'conflicts']);
    const expected = assess(parseIncident(NIGER), loadCharters(join(ROOT, 'charters')));
    expect(out).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(out.conflicts.map((c: { parties: string[] }) => c.parties)).toEqual([['BFA', 'NGA'], ['MLI', 'NGA']]);
  });

  it('reads stdin with --incident -, and --at and --lang fr change the reading', () => {
    const r = foedus(['assess', '--incident', '-', '--json', '--at', '2023-09-15', '--lang', 'fr'], JSON.stringify(NIGER));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.at).toBe('2023-09-15');
    expect(out.triggered.some((t: { charter: string }) => t.charter === 'aes-2023')).toBe(false);
    expect(out.not_triggered[0].trace[0].detail).toContain('15 septembre 2023');
  });

  it('prints a readable explanation by default', () => {
    const r = foedus(['assess', '--incident', file('n2.json', JSON.stringify(NIGER))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('TRIGGERED (2)');
    expect(r.stdout).toContain('aes-2023 art. 6');
    expect(r.stdout).toContain('Burkina Faso (BFA), Mali (MLI)');
    expect(r.stdout).toContain('CONFLICTS (2)');
  });

  it.each([
    ['a missing file', () => ['assess', '--incident', join(TMP, 'nope.json')], /^foedus: .*nope\.json: incident file not found$/],
    ['bad JSON', () => ['assess', '--incident', file('bad.json', '{"date": ')], /^foedus: .*bad\.json: not valid JSON/],
    ['an invalid incident', () => ['assess', '--incident', file('inv.json', JSON.stringify({ ...NIGER, date: '2023-02-30' }))], /^foedus: .*inv\.json: .*date/],
    ['a bad --at', () => ['assess', '--incident', file('ok.json', JSON.stringify(NIGER)), '--at', '2023-13-01'], /^foedus: --at "2023-13-01" is not a real calendar day/],
    ['a bad --lang', () => ['assess', '--incident', file('ok2.json', JSON.stringify(NIGER)), '--lang', 'de'], /^foedus: --lang "de" is not supported/],
    ['no --incident', () => ['assess'], /^foedus: missing --incident/],
  ] as const)('exit 2 with one readable line for %s', (_name, args, pattern) => {
    expectOneLineError(foedus([...args()]), pattern);
  });

  it('exit 2 when the charters directory holds a broken file, naming file:line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'foedus-bad-charters-'));
    writeFileSync(join(dir, 'aes-2023.yaml'), readFileSync(join(ROOT, 'charters/aes-2023.yaml'), 'utf8').replace('  - country: MLI\n', '  - country: XXX\n'));
    expectOneLineError(foedus(['assess', '--incident', file('ok3.json', JSON.stringify(NIGER)), '--charters', dir]), /^foedus: .*aes-2023\.yaml:\d+: parties\[1\]\.country — "XXX" is not an ISO 3166-1/);
  });
});

describe('foedus charters', () => {
  it('list shows the four charters', () => {
    const r = foedus(['charters', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((c: { id: string }) => c.id)).toEqual(['aes-2023', 'aes-confederation-2024', 'ecowas-pmad-1981', 'nato-1949']);
  });

  it('show ID --at lists the parties of that day, suspended ones marked', () => {
    const r = foedus(['charters', 'show', 'ecowas-pmad-1981', '--at', '2023-12-10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Parties on 10 December 2023 \(15\)/);
    expect(r.stdout).toMatch(/Niger \(NER\).*SUSPENDED since 2023-12-10/);
    expect(r.stdout).toMatch(/Nigeria \(NGA\)\s+since 1986-09-01\n/);
    const nato = foedus(['charters', 'show', 'nato-1949', '--at', '2023-04-03']);
    expect(nato.stdout).toMatch(/Parties on 3 April 2023 \(30\)/);
    expect(nato.stdout).toMatch(/not parties that day: FIN, SWE/);
  });

  it('show with an unknown id or a bad date: exit 2, one line', () => {
    expectOneLineError(foedus(['charters', 'show', 'warsaw-1955']), /^foedus: unknown charter id "warsaw-1955"/);
    expectOneLineError(foedus(['charters', 'show', 'nato-1949', '--at', '2023-02-29']), /^foedus: --at "2023-02-29" is not a real calendar day/);
  });

  it('validate: exit 0 on the shipped charters, exit 2 with file:line: path — reason otherwise', () => {
    const ok = foedus(['charters', 'validate']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('4 charter(s) valid');
    const dir = mkdtempSync(join(tmpdir(), 'foedus-validate-'));
    writeFileSync(join(dir, 'aes-2023.yaml'), readFileSync(join(ROOT, 'charters/aes-2023.yaml'), 'utf8').replace('  date: 2023-09-16\n', '  date: 2023-09-31\n'));
    const bad = foedus(['charters', 'validate', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/aes-2023\.yaml:\d+: signed\.date — this calendar day does not exist\n$/);
  });

  it('schema prints the committed charters/schema.json', () => {
    const r = foedus(['charters', 'schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'charters/schema.json'), 'utf8'));
  });
});
