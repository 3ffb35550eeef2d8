import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';
import { boxCells, latAt, lonAt, SUMMARY_LEVEL } from './cells.ts';
import type { IncidentDialect } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { whereSql } from './filter-sql.ts';
import { E6, interleave } from './rows.ts';

/**
 * A large box read from a per-(level-10 cell, …) tally: its level-10 cells split into those wholly
 * inside it (read from the tally) and those on its edge (read from the rows), each as a few hundred
 * sorted ranges of cell codes, and the SQL that reads one statement per range.
 */

/** A rectangle of level-10 cells, edges included. */
export type Rect = { x0: number; x1: number; y0: number; y1: number };

/**
 * The level-10 cells of `outer` that `pick` keeps, as sorted ranges of their codes (Z-order), by
 * descending the quadtree: a block wholly kept is one range, so a rectangle is a few hundred.
 */
function cellRanges(outer: Rect, pick: (b: Rect) => 'all' | 'none' | 'some'): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const visit = (level: number, bx: number, by: number) => {
    const size = 2 ** (SUMMARY_LEVEL - level);
    const b = { x0: bx * size, x1: (bx + 1) * size - 1, y0: by * size, y1: (by + 1) * size - 1 };
    if (b.x1 < outer.x0 || b.x0 > outer.x1 || b.y1 < outer.y0 || b.y0 > outer.y1) return;
    const inOuter = b.x0 >= outer.x0 && b.x1 <= outer.x1 && b.y0 >= outer.y0 && b.y1 <= outer.y1;
    const p = pick(b);
    if (p === 'none') return;
    if (p === 'all' && inOuter) {
      const lo = interleave(bx, by) * 4 ** (SUMMARY_LEVEL - level);
      const hi = lo + 4 ** (SUMMARY_LEVEL - level) - 1;
      const last = out[out.length - 1];
      if (last && last[1] + 1 === lo) last[1] = hi;
      else out.push([lo, hi]);
      return;
    }
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) visit(level + 1, 2 * bx + dx, 2 * by + dy);
  };
  visit(0, 0, 0);
  return out;
}

/** The box's level-10 cells lying wholly inside it (with a margin against rounding); null when none does. */
export function innerRect(f: NormalFilter): Rect | null {
  const r = boxCells(f, SUMMARY_LEVEL);
  const b = f.box!;
  const [la0, la1, lo0, lo1] = [b.minLat / E6, b.maxLat / E6, b.minLon / E6, b.maxLon / E6];
  const eps = 1e-7;
  let x0 = r.x0, x1 = r.x1, y0 = r.y0, y1 = r.y1;
  while (x0 <= x1 && lonAt(x0, SUMMARY_LEVEL) < lo0 + eps) x0++;
  while (x1 >= x0 && lonAt(x1 + 1, SUMMARY_LEVEL) > lo1 - eps) x1--;
  while (y0 <= y1 && latAt(y0, SUMMARY_LEVEL) > la1 - eps) y0++;
  while (y1 >= y0 && latAt(y1 + 1, SUMMARY_LEVEL) < la0 + eps) y1--;
  return x0 <= x1 && y0 <= y1 ? { x0, x1, y0, y1 } : null;
}

export interface SplitBox {
  /** How many level-10 cells lie wholly inside the box, and how many on its edge. */
  innerCells: number;
  edgeCells: number;
  /** Code ranges of the inner cells and of the edge cells (level 10). */
  inner: Array<[number, number]>;
  edge: Array<[number, number]>;
}

/** The box's level-10 cells split into inner and edge ones; null when no cell lies wholly inside it. */
export function splitBox(f: NormalFilter): SplitBox | null {
  const rect = boxCells(f, SUMMARY_LEVEL);
  const inner = innerRect(f);
  if (!inner) return null;
  const inside = (b: Rect) => (b.x0 >= inner.x0 && b.x1 <= inner.x1 && b.y0 >= inner.y0 && b.y1 <= inner.y1 ? 'all' : b.x1 < inner.x0 || b.x0 > inner.x1 || b.y1 < inner.y0 || b.y0 > inner.y1 ? 'none' : 'some');
  const outside = (b: Rect) => {
    const i = inside(b);
    return i === 'all' ? 'none' : i === 'none' ? 'all' : 'some';
  };
  const innerCells = (inner.x1 - inner.x0 + 1) * (inner.y1 - inner.y0 + 1);
  return { innerCells, edgeCells: rect.cells - innerCells, inner: cellRanges(rect, inside), edge: cellRanges(rect, outside) };
}

/**
 * `select cols from table where conds` for each range [r.lo, r.hi] (the ranges scaled: codes × scale).
 * SQLite: a join on json_each's list. PostgreSQL: a lateral subquery over unnest's, fenced by
 * `offset 0` so each range is one index range (joined, PostgreSQL scanned the whole table).
 */
export function perRange(d: IncidentDialect, ranges: Array<[number, number]>, scale: number, cols: RawBuilder<unknown>, table: RawBuilder<unknown>, conds: RawBuilder<unknown>[]): RawBuilder<unknown> {
  const list = rangeList(d, ranges, scale);
  if (d.name === 'sqlite') return sql`select ${cols} from ${list} join ${table} ${whereSql(conds)}`;
  return sql`select x.* from ${list} cross join lateral (select ${cols} from ${table} ${whereSql(conds)} offset 0) x`;
}

/** Ranges as the dialect takes a list: a JSON text for SQLite's json_each, two arrays for PostgreSQL's unnest. */
function rangeList(d: IncidentDialect, ranges: Array<[number, number]>, scale: number): RawBuilder<unknown> {
  if (d.name === 'sqlite') {
    return sql`(select json_extract(value, '$[0]') as lo, json_extract(value, '$[1]') as hi from json_each(${JSON.stringify(ranges.map(([a, b]) => [a * scale, b * scale + scale - 1]))})) r`;
  }
  return sql`unnest(${ranges.map(([a]) => a * scale)}::bigint[], ${ranges.map(([, b]) => b * scale + scale - 1)}::bigint[]) as r(lo, hi)`;
}

/**
 * Runs a query; on PostgreSQL without JIT compilation. Its planner cannot know how few rows a range of
 * morton codes holds (it guesses 0.5 % of the table per range), so a few hundred ranges looked like
 * millions of rows and it spent ~400 ms compiling a query that runs in a few.
 */
export async function withoutJit<T>(d: IncidentDialect, q: RawBuilder<T>): Promise<{ rows: T[] }> {
  if (d.name === 'sqlite') return q.execute(d.db);
  if (d.db.isTransaction) {
    await sql`set local jit = off`.execute(d.db);
    return q.execute(d.db);
  }
  return d.db.transaction().execute(async (tx) => {
    await sql`set local jit = off`.execute(tx);
    return q.execute(tx);
  });
}
