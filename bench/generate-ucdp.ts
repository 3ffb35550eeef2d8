/**
 * Writes a large UCDP GED file for the import benchmark by resampling the real
 * rows in data/ucdp (Mali, Burkina Faso, Niger): each output row is a real
 * row with a fresh id, a date moved by up to ±2 years (same span, year
 * recomputed) and coordinates moved by up to ±0.1° (geom_wkt
 * recomputed). The output is the raw 47-column export format: UCDP's header,
 * quoted multi-line fields, a trailing comma on every data line, MM/DD/YYYY
 * 00:00:00 dates. Deterministic: the same --seed gives the same bytes.
 *
 *   npx tsx bench/generate-ucdp.ts --rows 1000000 --out bench/out/ucdp-1m.csv [--seed 42]
 *
 * bench/out/ is git-ignored.
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { parse } from 'csv-parse/sync';
import { UCDP_COLUMNS } from '../src/incident/ucdp/wire.ts';
import { seededRandom } from '../src/store/incidents/fixtures.ts';

const DATA = fileURLToPath(new URL('../data/ucdp/', import.meta.url));
const SOURCES = ['ged_mali.csv', 'ged_burkina_faso.csv', 'ged_niger_repaired.csv'];
const FIRST_ID = 100_000_000;
const DAY = 86_400_000;

/** The real rows, as arrays in UCDP's column order (the Niger file's extra repair_status column dropped). */
export function loadRealRows(dir = DATA): string[][] {
  const rows: string[][] = [];
  for (const file of SOURCES) {
    const records = parse(readFileSync(join(dir, file)), { columns: true, relax_column_count: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    for (const r of records) rows.push(UCDP_COLUMNS.map((c) => r[c] ?? ''));
  }
  return rows;
}

function quote(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

function parseUsDate(s: string): number {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(s);
  if (!m) throw new Error(`unexpected date ${s}`);
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
}

function usDate(t: number): string {
  const d = new Date(t);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${mm}/${dd}/${d.getUTCFullYear()} 00:00:00`;
}

const col = Object.fromEntries(UCDP_COLUMNS.map((c, i) => [c, i])) as Record<(typeof UCDP_COLUMNS)[number], number>;
const LAST = Date.UTC(2023, 11, 31);

/** One synthetic row: a real row resampled with jitter and a fresh id. */
export function jitterRow(real: readonly string[], n: number, rand: () => number): string[] {
  const r = real.slice();
  r[col.id] = String(FIRST_ID + n);
  r[col.relid] = `${real[col.relid]}-b${n}`;
  const start = parseUsDate(real[col.date_start]!);
  const span = parseUsDate(real[col.date_end]!) - start;
  const shift = Math.round((rand() * 2 - 1) * 730) * DAY;
  let s = start + shift;
  if (s + span > LAST) s = LAST - span;
  r[col.date_start] = usDate(s);
  r[col.date_end] = usDate(s + span);
  r[col.year] = String(new Date(s).getUTCFullYear());
  const lat = Math.min(89.9, Math.max(-89.9, Number(real[col.latitude]) + (rand() * 2 - 1) * 0.1));
  const lon = Math.min(179.9, Math.max(-179.9, Number(real[col.longitude]) + (rand() * 2 - 1) * 0.1));
  r[col.latitude] = lat.toFixed(6);
  r[col.longitude] = lon.toFixed(6);
  r[col.geom_wkt] = `POINT (${Number(lon.toFixed(6))} ${Number(lat.toFixed(6))})`;
  return r;
}

export async function generate(opts: { rows: number; out: string; seed: number }): Promise<{ rows: number; bytes: number }> {
  const real = loadRealRows();
  const rand = seededRandom(opts.seed);
  mkdirSync(dirname(opts.out), { recursive: true });
  const out = createWriteStream(opts.out);
  let bytes = 0;
  let chunk = `${UCDP_COLUMNS.join(',')}\n`;
  for (let n = 0; n < opts.rows; n++) {
    const row = jitterRow(real[Math.floor(rand() * real.length)]!, n, rand);
    chunk += `${row.map(quote).join(',')},\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return { rows: opts.rows, bytes };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = Number(arg('rows', '1000000'));
  const out = arg('out', 'bench/out/ucdp-1m.csv');
  const seed = Number(arg('seed', '42'));
  if (!Number.isInteger(rows) || rows < 1) {
    process.stderr.write('generate-ucdp: --rows must be a positive integer\n');
    process.exit(2);
  }
  const t0 = performance.now();
  const r = await generate({ rows, out, seed });
  process.stderr.write(`wrote ${r.rows.toLocaleString('en')} rows (${(r.bytes / 1e6).toFixed(0)} MB) to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
