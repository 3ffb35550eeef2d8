import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jitterRow, loadRealRows } from '../../bench/generate-ucdp.ts';
import { UCDP_COLUMNS } from '../../src/incident/ucdp/wire.ts';
import { seededRandom } from '../../src/store/incidents/fixtures.ts';

/**
 * Test inputs built from the real UCDP rows in data/ucdp, written in the raw
 * export format (47 columns, trailing comma, quoted multi-line fields).
 */

export const DATA_UCDP = fileURLToPath(new URL('../../data/ucdp/', import.meta.url));
export const NIGER = join(DATA_UCDP, 'ged_niger_repaired.csv');
export const BURKINA = join(DATA_UCDP, 'ged_burkina_faso.csv');
export const MALI = join(DATA_UCDP, 'ged_mali.csv');
export const col = Object.fromEntries(UCDP_COLUMNS.map((c, i) => [c, i])) as Record<(typeof UCDP_COLUMNS)[number], number>;

let real: string[][] | null = null;
export function realRows(): string[][] {
  real ??= loadRealRows();
  return real;
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function csvLine(row: readonly string[]): string {
  return `${row.map(quote).join(',')},\n`;
}

/** Writes rows in the raw export format; returns the physical line (1-based) where each record starts. */
export function writeUcdp(path: string, rows: readonly (readonly string[])[]): number[] {
  let text = `${UCDP_COLUMNS.join(',')}\n`;
  let line = 2;
  const starts: number[] = [];
  for (const r of rows) {
    starts.push(line);
    const l = csvLine(r);
    text += l;
    line += l.split('\n').length - 1;
  }
  writeFileSync(path, text);
  return starts;
}

/** `n` synthetic rows resampled from the real ones (fresh ids 100000000 + i, deterministic). */
export function syntheticRows(n: number, seed = 7): string[][] {
  const rand = seededRandom(seed);
  const base = realRows();
  return Array.from({ length: n }, (_, i) => jitterRow(base[Math.floor(rand() * base.length)]!, i, rand));
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'foedus-import-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
