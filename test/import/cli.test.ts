import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/store.ts';
import type { ImportSummary } from '../../src/import/index.ts';
import { col, NIGER, syntheticRows, tempDir, writeUcdp } from './fixtures.ts';

/**
 * `foedus import` as a user runs it: a child process on a real SQLite file.
 * Crash safety: a strict import killed midway leaves the store unchanged; a
 * normal import killed with SIGKILL keeps every batch it reported as
 * committed, and the re-run completes it.
 */

const BIN = fileURLToPath(new URL('../../bin/foedus.js', import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function foedus(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FOEDUS_DATABASE_URL: '', FOEDUS_DB: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ProgressLine {
  event: 'committed' | 'written';
  batch: number;
  rows: number;
  imported: number;
}

/**
 * Runs `foedus import` in the background and SIGKILLs it as soon as `killWhen`
 * holds for the progress lines read so far. Returns the lines seen before the kill.
 */
function importAndKill(args: string[], killWhen: (lines: ProgressLine[]) => boolean): Promise<{ lines: ProgressLine[]; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'import', ...args, '--progress', 'json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FOEDUS_DATABASE_URL: '', FOEDUS_DB: '' } });
    const lines: ProgressLine[] = [];
    let buf = '';
    let stderr = '';
    let killed = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (killed) return;
      stderr += chunk;
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const l = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (l.startsWith('{')) lines.push(JSON.parse(l) as ProgressLine);
      }
      if (killWhen(lines)) {
        killed = child.kill('SIGKILL');
      }
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', () => resolve({ lines: [...lines], killed, stderr }));
  });
}

describe('foedus import (CLI)', () => {
  it('imports a file, prints a readable summary, and with --json only the summary object', () => {
    const db = join(tmp.dir, 'cli.db');
    const text = foedus(['import', NIGER, '--db', db]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Imported ged_niger_repaired\.csv \(UCDP GED CSV\) into SQLite file .*cli\.db in [\d.]+ s\n {2}588 rows: 588 new, 0 updated, 0 unchanged, 0 rejected\n$/);
    const json = foedus(['import', NIGER, '--db', db, '--json']);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout) as ImportSummary;
    expect(summary).toMatchObject({ file: 'ged_niger_repaired.csv', format: 'ucdp', rows: 588, imported: 0, updated: 0, unchanged: 588, rejected: 0, rejections: [] });
    expect(json.stderr).toBe(''); // no bar when stderr is not a terminal
  });

  it('exits 0 with rejected rows listed in normal mode, 2 on a strict failure or unreadable input', { timeout: 60_000 }, () => {
    const db = join(tmp.dir, 'codes.db');
    const file = join(tmp.dir, 'codes.csv');
    const rows = syntheticRows(30, 3);
    rows[4]![col.date_start] = '02/30/2021 00:00:00';
    const starts = writeUcdp(file, rows);

    const normal = foedus(['import', file, '--db', db]);
    expect(normal.code).toBe(0);
    expect(normal.stdout).toContain('30 rows: 29 new, 0 updated, 0 unchanged, 1 rejected');
    expect(normal.stdout).toContain(`codes.csv:${starts[4]}  date_start: date_start "02/30/2021 00:00:00" is not a real date`);
    expect(normal.stdout).toContain('The other rows were imported.');
    const asJson = JSON.parse(foedus(['import', file, '--db', db, '--json']).stdout) as ImportSummary;
    expect(asJson).toMatchObject({ imported: 0, unchanged: 29, rejected: 1, rejections: [{ line: starts[4], column: 'date_start' }] });

    const strict = foedus(['import', file, '--db', join(tmp.dir, 'strict.db'), '--strict', '--json']);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toBe(`foedus: ${file}:${starts[4]}: column date_start: date_start "02/30/2021 00:00:00" is not a real date in UCDP's MM/DD/YYYY 00:00:00 form (strict import stopped; nothing was imported)\n`);

    const missing = foedus(['import', join(tmp.dir, 'missing.csv'), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^foedus: cannot read .*missing\.csv: no such file; check the path\n$/);

    const notCsv = join(tmp.dir, 'notes.txt');
    writeFileSync(notCsv, 'hello, world, this is, not an export\n');
    const unknown = foedus(['import', notCsv, '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/cannot tell which CSV export this is.*--format ucdp\|acled\|geojson\|incident/);

    const badFormat = foedus(['import', file, '--db', db, '--format', 'xlsx']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/Allowed choices are ucdp, acled, geojson, incident/);
  });

  it('a --strict import killed with SIGKILL while writing leaves the store unchanged', { timeout: 120_000 }, async () => {
    const db = join(tmp.dir, 'strict-kill.db');
    expect(foedus(['import', NIGER, '--db', db]).code).toBe(0);
    const file = join(tmp.dir, 'strict-kill.csv');
    writeUcdp(file, syntheticRows(8_000, 5));

    const run = await importAndKill([file, '--db', db, '--strict', '--batch-size', '250'], (lines) => lines.filter((l) => l.event === 'written').length >= 3);
    expect(run.killed).toBe(true);
    expect(run.lines.filter((l) => l.event === 'written').length).toBeGreaterThanOrEqual(3);
    expect(run.lines.some((l) => l.event === 'committed')).toBe(false);

    const store = await openStore({ dialect: 'sqlite', path: db });
    try {
      expect(await store.incidents.count({})).toBe(588);
      const entries = (await store.ledger.list({ limit: 1000 })).filter((e) => e.action === 'incidents.import');
      expect(entries).toHaveLength(1); // the Niger import's single batch, nothing of the killed one
      expect((await store.ledger.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a normal import killed with SIGKILL keeps every batch it reported, and the re-run completes it', { timeout: 180_000 }, async () => {
    const db = join(tmp.dir, 'kill.db');
    const file = join(tmp.dir, 'kill.csv');
    const rows = syntheticRows(8_000, 9);
    writeUcdp(file, rows);

    const run = await importAndKill([file, '--db', db, '--batch-size', '250'], (lines) => lines.filter((l) => l.event === 'committed').length >= 4);
    expect(run.killed).toBe(true);
    const reported = run.lines.filter((l) => l.event === 'committed');
    expect(reported.length).toBeGreaterThanOrEqual(4);
    const last = reported.at(-1)!;
    expect(last.rows).toBeLessThan(rows.length); // killed midway

    const store = await openStore({ dialect: 'sqlite', path: db });
    try {
      // Every row up to the last reported batch is in the store.
      const missing: string[] = [];
      for (const r of rows.slice(0, last.rows)) {
        if (!(await store.incidents.get(`ucdp_ged:${r[col.id]}`))) missing.push(r[col.id]!);
      }
      expect(missing).toEqual([]);
      expect(await store.incidents.count({})).toBeGreaterThanOrEqual(last.imported);
    } finally {
      await store.close();
    }

    const rerun = foedus(['import', file, '--db', db, '--json']);
    expect(rerun.code).toBe(0);
    const s = JSON.parse(rerun.stdout) as ImportSummary;
    expect(s.rows).toBe(8_000);
    expect(s.rejected).toBe(0);
    expect(s.unchanged).toBeGreaterThanOrEqual(last.rows);
    expect(s.imported + s.unchanged).toBe(8_000);

    // The same total as a clean import of the file.
    const clean = JSON.parse(foedus(['import', file, '--db', join(tmp.dir, 'clean.db'), '--json']).stdout) as ImportSummary;
    expect(clean.imported).toBe(8_000);
    const after = await openStore({ dialect: 'sqlite', path: db });
    try {
      expect(await after.incidents.count({})).toBe(clean.imported);
      expect((await after.ledger.verify()).ok).toBe(true);
    } finally {
      await after.close();
    }
  });
});
