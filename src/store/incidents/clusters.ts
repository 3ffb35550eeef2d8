import { sql } from 'kysely';
import type { LocationPrecision } from '../../incident/record.ts';
import { boxCells, deinterleave, rangesOf, SUMMARY_LEVEL, type Agg } from './cells.ts';
import { innerRect } from './box-ranges.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { compileFilter, isSpatialOnly, whereSql } from './filter-sql.ts';
import { cellRange, MORTON_LEVEL } from './rows.ts';
import type { Cluster, ClusterResult } from './types.ts';
import { summarySplit } from './windows.ts';

/**
 * Point clusters for a map viewport, aggregated in SQL on a Web Mercator grid
 * of 64×64 px cells (cell level zoom + 2), by the cheapest of three paths:
 * the per-(cell, year) and per-(cell, month) summaries for large boxes, one index range per cell for
 * box/date filters, one GROUP BY otherwise.
 */

/** Above this many cells in the box, one GROUP BY replaces the per-cell index ranges. */
const MAX_CELL_QUERIES = 1500;

export async function clusters(d: IncidentDialect, f: NormalFilter, zoom: number): Promise<ClusterResult> {
  const level = Math.min(MORTON_LEVEL, Math.floor(zoom) + 2);
  if (f.empty) return { clusters: [], total: 0, level };
  const { x0, x1, y0, y1, cells } = boxCells(f, level);
  let aggs: Agg[];
  if (isSpatialOnly(f, false) && level <= SUMMARY_LEVEL && cells <= MAX_CELL_QUERIES) {
    aggs = await cellsBySummary(d, f, level, x0, x1, y0, y1);
  } else if (isSpatialOnly(f) && cells <= MAX_CELL_QUERIES) {
    aggs = await d.cellsByRange(f, rangesOf(level, x0, x1, y0, y1, MORTON_LEVEL));
  } else {
    aggs = await cellsByGroup(d, f, level);
  }
  const info = await singles(d, f, level, aggs);
  let total = 0;
  const out: Cluster[] = aggs.map((a) => {
    total += a.n;
    const c: Cluster = { lat: a.slat / a.n, lon: a.slon / a.n, count: a.n, coarse: a.coarse, cell: `${level}/${a.cx}/${a.cy}` };
    const one = a.n === 1 && a.one !== null ? info.get(a.one) : undefined;
    if (one) {
      c.id = one.id;
      c.precision = one.precision;
    }
    return c;
  });
  out.sort((p, r) => r.count - p.count || p.cell.localeCompare(r.cell));
  return { clusters: out, total, level };
}

type Single = { id: string; precision: LocationPrecision };

/** The id and precision of each single-incident cluster, by the key its aggregate kept (or found in its cell). */
async function singles(d: IncidentDialect, f: NormalFilter, level: number, aggs: Agg[]): Promise<Map<string | number, Single>> {
  const info = new Map<string | number, Single>();
  const keys = aggs.filter((a) => a.n === 1 && a.one !== null).map((a) => a.one!);
  const byKey = async (part: Array<string | number>, col: 'rid' | 'id') => {
    for (let k = 0; k < part.length; k += 500) {
      const r = await sql<Row>`select ${sql.ref(col)} as k, id, location_precision from incidents where ${sql.ref(col)} in (${sql.join(part.slice(k, k + 500))})`.execute(d.db);
      for (const x of r.rows) info.set(col === 'rid' ? Number(x.k) : x.k, { id: x.id, precision: x.location_precision });
    }
  };
  await byKey(keys.filter((k) => typeof k === 'number'), 'rid');
  await byKey(keys.filter((k) => typeof k === 'string'), 'id');
  for (const a of aggs) {
    if (a.n === 1 && a.one === null) {
      const one = await findSingle(d, f, level, a.cx, a.cy);
      if (one) {
        a.one = `single:${one.id}`;
        info.set(a.one, one);
      }
    }
  }
  return info;
}

/**
 * From the cell summaries for the cells wholly inside the box and the whole periods of the window (years
 * from `incident_cells`, months of the partial years from `incident_cell_months`); from the rows for the
 * summary cells on the box's edge (over the periods' days) and for the days left at the window's ends.
 */
export async function cellsBySummary(d: IncidentDialect, f: NormalFilter, level: number, x0: number, x1: number, y0: number, y1: number, withPartial = true): Promise<Agg[]> {
  const inner = innerRect(f);
  const { periods, days, partial } = summarySplit(f);
  const merged = new Map<string, Agg>();
  const add = (a: Agg) => {
    const k = `${a.cx}/${a.cy}`;
    const m = merged.get(k);
    if (!m) merged.set(k, { ...a });
    else {
      m.n += a.n;
      m.slat += a.slat;
      m.slon += a.slon;
      m.coarse += a.coarse;
      m.one = null;
    }
  };
  const down = SUMMARY_LEVEL - level;
  const ranges = rangesOf(level, x0, x1, y0, y1, SUMMARY_LEVEL);
  // A summary cell is inside the box or on its edge whatever the period: an edge cell's rows are read
  // once for all the periods' days (they are contiguous), from any period it holds incidents in.
  const edges = new Set<number>();
  for (const p of periods) {
    for (const r of await d.summaryRows(ranges, p)) {
      const { cx: sx, cy: sy } = deinterleave(r.cell);
      const inside = inner !== null && sx >= inner.x0 && sx <= inner.x1 && sy >= inner.y0 && sy <= inner.y1;
      if (inside) add({ cx: Math.floor(sx / 2 ** down), cy: Math.floor(sy / 2 ** down), n: r.n, slat: r.slat, slon: r.slon, coarse: r.coarse, one: null });
      else edges.add(r.cell);
    }
  }
  if (edges.size && days) {
    const span = 4 ** (MORTON_LEVEL - SUMMARY_LEVEL);
    const edgeRanges = [...edges].map((cell) => {
      const { cx: sx, cy: sy } = deinterleave(cell);
      return { cx: Math.floor(sx / 2 ** down), cy: Math.floor(sy / 2 ** down), lo: cell * span, hi: cell * span + span - 1 };
    });
    for (const a of await d.cellsByRange({ ...f, from: days[0], to: days[1], preciseOnly: false }, edgeRanges)) add(a);
  }
  if (withPartial) {
    // Less than a month each: the dates' stretch of the date index, not a GiST bitmap of the whole box
    // (PostgreSQL guesses its selectivity): 79 ms for 20 days of a Sahel box at 200,000 incidents, all
    // 200,000 of its rows marked in the bitmap to keep 1,663.
    for (const [from, to] of partial) {
      for (const a of await cellsByGroup(d, { ...f, from, to }, level, false)) add(a);
    }
  }
  return [...merged.values()];
}

/** The one incident of a single-incident cluster (when its aggregate came from the summary). */
async function findSingle(d: IncidentDialect, f: NormalFilter, level: number, cx: number, cy: number): Promise<Single | null> {
  const [lo, hi] = cellRange(cx, cy, level);
  // No GiST condition: PostgreSQL then took the GiST or date index over the whole box (120 ms for a Mali
  // viewport and one year) instead of the one cell's range of the morton index.
  const conds = [...compileFilter(f, d.name, { spatial: 'columns', gist: false }), sql`i.morton between ${lo} and ${hi}`];
  const r = await sql<Row>`select i.id, i.location_precision from incidents i ${whereSql(conds)} limit 2`.execute(d.db);
  return r.rows.length === 1 ? { id: r.rows[0]!.id, precision: r.rows[0]!.location_precision } : null;
}

/** Any filter: one GROUP BY over the cell prefix of `morton`; `gist` false leaves PostgreSQL's box index out. */
async function cellsByGroup(d: IncidentDialect, f: NormalFilter, level: number, gist = true): Promise<Agg[]> {
  const shift = 2 * (MORTON_LEVEL - level);
  const conds = [...compileFilter(f, d.name, { gist }), sql`i.morton is not null`];
  const res = await sql<Row>`
    select (i.morton >> ${sql.lit(shift)}) as cell, count(*) as n, sum(i.lat) as slat, sum(i.lon) as slon, sum(i.coarse) as coarse, min(i.id) as one
    from incidents i ${whereSql(conds)} group by 1`.execute(d.db);
  return res.rows.map((x) => {
    const { cx, cy } = deinterleave(Number(x.cell));
    return { cx, cy, n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse), one: (x.one as string | null) ?? null };
  });
}
