import { sql, type RawBuilder } from 'kysely';
import type { Row, SummaryRow } from './dialect.ts';
import { cellIndex, E6, interleave, mercator } from './rows.ts';
import type { NormalFilter } from './filter.ts';
import type { SummaryPeriod } from './windows.ts';

/**
 * The Web Mercator cell grid of the map's clusters and of the per-(cell, year)
 * summary table: a box's cells and their index ranges of `morton`.
 */

/** Cells of the summary table: Web Mercator level 10 (1024 per axis). */
export const SUMMARY_LEVEL = 10;

/** One cluster cell: its partial sums, and one of its incidents (a key) while it holds one. */
export type Agg = { cx: number; cy: number; n: number; slat: number; slon: number; coarse: number; one: string | number | null };
/** One cell at a level and its range of codes at a finer level. */
export type CellRange = { cx: number; cy: number; lo: number; hi: number };

/** The box's cells at a level: index ranges on both axes (y grows southwards). */
export function boxCells(f: NormalFilter, level: number): { x0: number; x1: number; y0: number; y1: number; cells: number } {
  const b = f.box!;
  const tl = mercator(b.maxLat / E6, b.minLon / E6), br = mercator(b.minLat / E6, b.maxLon / E6);
  const x0 = cellIndex(tl.x, level), x1 = cellIndex(br.x, level), y0 = cellIndex(tl.y, level), y1 = cellIndex(br.y, level);
  return { x0, x1, y0, y1, cells: (x1 - x0 + 1) * (y1 - y0 + 1) };
}

/** For each level-`level` cell in [x0..x1]×[y0..y1]: its range of codes at level `at` (≥ level). */
export function rangesOf(level: number, x0: number, x1: number, y0: number, y1: number, at: number): CellRange[] {
  const out: CellRange[] = [];
  const span = 4 ** (at - level);
  for (let cy = y0; cy <= y1; cy++) {
    for (let cx = x0; cx <= x1; cx++) {
      const lo = interleave(cx, cy) * span;
      out.push({ cx, cy, lo, hi: lo + span - 1 });
    }
  }
  return out;
}

export function lonAt(x: number, level: number): number {
  return (x / 2 ** level) * 360 - 180;
}

export function latAt(y: number, level: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** level))) * 180) / Math.PI;
}

function compact(v: number): number {
  // Inverse of the bit spread: every other bit of a 44-bit number (split to stay in 32-bit integer ops).
  const lo = v % 2 ** 22, hi = Math.floor(v / 2 ** 22);
  const squeeze = (x: number) => {
    x &= 0x55555555;
    x = (x | (x >>> 1)) & 0x33333333;
    x = (x | (x >>> 2)) & 0x0f0f0f0f;
    x = (x | (x >>> 4)) & 0x00ff00ff;
    x = (x | (x >>> 8)) & 0x0000ffff;
    return x;
  };
  return squeeze(lo) | (squeeze(hi) << 11);
}

export function deinterleave(m: number): { cx: number; cy: number } {
  return { cx: compact(m), cy: compact(Math.floor(m / 2)) };
}

/** The per-(level-10 cell, period) summary of a period's unit: both keep n, sum_lat, sum_lon and coarse per cell. */
export function summaryTable(p: SummaryPeriod): { table: RawBuilder<unknown>; period: RawBuilder<unknown> } {
  return p.unit === 'year' ? { table: sql.table('incident_cells'), period: sql.ref('year') } : { table: sql.table('incident_cell_months'), period: sql.ref('month') };
}

export function summaryRow(x: Row): SummaryRow {
  return { cell: Number(x.cell), n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse) };
}

/** The box in degrees and the date/precision conditions of a cells-index range query (both dialects). */
export function boxTerms(f: NormalFilter): { lat0: number; lat1: number; lon0: number; lon1: number; more: RawBuilder<unknown> } {
  const b = f.box!;
  const extra: RawBuilder<unknown>[] = [];
  if (f.from) extra.push(sql`and date >= ${f.from}`);
  if (f.to) extra.push(sql`and date <= ${f.to}`);
  if (f.preciseOnly) extra.push(sql`and coarse = 0`);
  return { lat0: b.minLat / E6, lat1: b.maxLat / E6, lon0: b.minLon / E6, lon1: b.maxLon / E6, more: sql.join(extra, sql` `) };
}
