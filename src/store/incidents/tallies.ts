import { sql, type RawBuilder } from 'kysely';
import { boxCells, latAt, lonAt, SUMMARY_LEVEL } from './cells.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { compileFilter, isSpatialOnly, whereSql } from './filter-sql.ts';
import { E6, interleave } from './rows.ts';
import { monthSplit, monthText } from './windows.ts';
import type { AreaCount, AreaLevel, TimelinePoint } from './types.ts';

/**
 * The whole-store aggregates from the tallies kept on write (migration 14): per day, per
 * (country, admin-1, month) and per (level-10 cell, month). Each answer is the same as a GROUP BY
 * over the rows: the tallies give the whole months (or days) and the cells wholly inside a box,
 * the rows the rest (the partial months at a window's ends, the cells on a box's edge), summed in
 * one statement so the database orders the answer as it orders the rows' own.
 * Each function returns null when its tally cannot answer the filter (then the rows do).
 */

/** Only dates, or nothing: what the per-day tally answers. */
function onlyDates(f: NormalFilter): boolean {
  return !f.empty && !f.box && isSpatialOnly(f, false);
}

/** Only dates and countries, or less: what the per-(country, admin-1, month) tally answers. */
function onlyDatesAndCountries(f: NormalFilter): boolean {
  return !f.empty && !f.box && isSpatialOnly({ ...f, countries: null }, false);
}

/** The tally's rows of the whole months [m0, m1], of the filter's countries if it names some. */
function areaMonthsWhere(f: NormalFilter, m0: number, m1: number): RawBuilder<unknown> {
  return whereSql([
    sql`month between ${m0} and ${m1}`,
    sql`n <> 0`,
    ...(f.countries ? [sql`country in (${sql.join(f.countries)})`] : []),
  ]);
}

/** `i.date`'s month as YYYYMM. */
function monthOf(d: IncidentDialect): RawBuilder<unknown> {
  return d.name === 'sqlite'
    ? sql`(cast(substr(i.date, 1, 4) as integer) * 100 + cast(substr(i.date, 6, 2) as integer))`
    : sql`(substr(i.date, 1, 4)::int * 100 + substr(i.date, 6, 2)::int)`;
}

/** Rows of `incidents i` matching the filter with each partial window: `select …` parts to add to a union. */
function partialRows(d: IncidentDialect, f: NormalFilter, partial: Array<[string | null, string | null]>, cols: RawBuilder<unknown>): RawBuilder<unknown>[] {
  return partial.map(([from, to]) => sql`select ${cols} from incidents i ${whereSql(compileFilter({ ...f, from, to }, d.name))}`);
}

/** Count of the incidents in a date window (or all): the per-day tally. */
export async function countByDays(d: IncidentDialect, f: NormalFilter): Promise<number | null> {
  if (!onlyDates(f)) return null;
  const r = await sql<Row>`select coalesce(sum(n), 0) as n from incident_days ${dayWhere(f)}`.execute(d.db);
  return Number(r.rows[0]!.n);
}

function dayWhere(f: NormalFilter): RawBuilder<unknown> {
  const c: RawBuilder<unknown>[] = [];
  if (f.from) c.push(sql`date >= ${f.from}`);
  if (f.to) c.push(sql`date <= ${f.to}`);
  return whereSql(c);
}

/** The timeline of a date window (or of everything) at any interval: the per-day tally, grouped as the rows would be. */
export async function timelineByDays(d: IncidentDialect, f: NormalFilter, period: RawBuilder<unknown>): Promise<TimelinePoint[] | null> {
  if (!onlyDates(f)) return null;
  const r = await sql<Row>`
    select ${period} as period, sum(i.n) as n, sum(i.fatalities) as fatalities
    from incident_days i ${dayWhere(f)} group by 1 having sum(i.n) > 0 order by 1`.execute(d.db);
  return r.rows.map((x) => ({ period: String(x.period), count: Number(x.n), fatalities: Number(x.fatalities) }));
}

/** Counts per country or admin-1 with only a date window and countries: whole months from the tally, partial months from the rows. */
export async function byAreaByMonths(d: IncidentDialect, f: NormalFilter, level: AreaLevel): Promise<AreaCount[] | null> {
  if (!onlyDatesAndCountries(f)) return null;
  const { m0, m1, partial } = monthSplit(f);
  const parts: RawBuilder<unknown>[] = [];
  if (m0 <= m1) parts.push(sql`select country as c, admin1 as a, n as cn, fatalities as cf from incident_area_months ${areaMonthsWhere(f, m0, m1)}`);
  parts.push(...partialRows(d, f, partial, sql`i.country as c, coalesce(i.admin1_derived, i.admin1) as a, 1 as cn, coalesce(i.fatalities_best, 0) as cf`));
  const all = sql.join(parts, sql` union all `);
  if (level === 'country') {
    const r = await sql<Row>`
      select c as country, sum(cn) as n, sum(cf) as fatalities from (${all}) x
      group by c having sum(cn) > 0 order by n desc, country`.execute(d.db);
    return r.rows.map((x) => ({ country: x.country ?? null, count: Number(x.n), fatalities: Number(x.fatalities) }));
  }
  const r = await sql<Row>`
    select c as country, a as admin1, sum(cn) as n, sum(cf) as fatalities from (${all}) x
    group by 1, 2 having sum(cn) > 0 order by n desc, 1, 2`.execute(d.db);
  return r.rows.map((x) => ({ country: x.country ?? null, admin1: x.admin1 ?? null, count: Number(x.n), fatalities: Number(x.fatalities) }));
}

/** The month timeline of some countries (with dates or not, nothing else): whole months from the area tally, partial months from the rows. */
export async function monthsOfCountries(d: IncidentDialect, f: NormalFilter): Promise<TimelinePoint[] | null> {
  if (!f.countries || !onlyDatesAndCountries(f)) return null;
  const { m0, m1, partial } = monthSplit(f);
  const parts: RawBuilder<unknown>[] = [];
  if (m0 <= m1) parts.push(sql`select month as m, n as cn, fatalities as cf from incident_area_months ${areaMonthsWhere(f, m0, m1)}`);
  parts.push(...partialRows(d, f, partial, sql`${monthOf(d)} as m, 1 as cn, coalesce(i.fatalities_best, 0) as cf`));
  const r = await sql<Row>`
    select m, sum(cn) as n, sum(cf) as fatalities from (${sql.join(parts, sql` union all `)}) x
    group by m having sum(cn) > 0 order by m`.execute(d.db);
  return r.rows.map((x) => ({ period: monthText(Number(x.m)), count: Number(x.n), fatalities: Number(x.fatalities) }));
}

/** The count of some countries' incidents (with dates or not, nothing else), as monthsOfCountries. */
export async function countOfCountries(d: IncidentDialect, f: NormalFilter): Promise<number | null> {
  const months = await monthsOfCountries(d, f);
  return months && months.reduce((n, x) => n + x.count, 0);
}

// ------------------------------------------------------------ the map's month timeline of a viewport

/** A rectangle of level-10 cells, edges included. */
type Rect = { x0: number; x1: number; y0: number; y1: number };

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

/** The cells of the box's level-10 rectangle lying wholly inside the box (with a margin against rounding). */
function interiorOf(f: NormalFilter, r: Rect): Rect | null {
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

/**
 * `select cols from table where conds` for each range [r.lo, r.hi] (the ranges scaled: codes × scale).
 * SQLite: a join on json_each's list. PostgreSQL: a lateral subquery over unnest's, fenced by
 * `offset 0` so each range is one index range (joined, PostgreSQL scanned the whole table).
 */
function perRange(d: IncidentDialect, ranges: Array<[number, number]>, scale: number, cols: RawBuilder<unknown>, table: RawBuilder<unknown>, conds: RawBuilder<unknown>[]): RawBuilder<unknown> {
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
 * The month timeline of a box (with dates or not, nothing else): the cell-month tally for the cells
 * wholly inside the box and the whole months, the rows for the cells on its edge and the partial months.
 * null when no cell lies wholly inside the box (then its rows are few).
 */
export async function monthsOfBox(d: IncidentDialect, f: NormalFilter): Promise<TimelinePoint[] | null> {
  if (f.empty || !f.box || !isSpatialOnly(f, false)) return null;
  const rect = boxCells(f, SUMMARY_LEVEL);
  const inner = interiorOf(f, rect);
  // Worth it from one cell wholly inside: the edge cells' rows come from the covering cells index, and
  // the inner cell's rows are not read at all. A zoom-9 viewport (3 inner cells of 15) over 71,000 of
  // 1M incidents: 1.6 s from the rows, 113 ms so (it needed the inner cells to outnumber the edge ones).
  if (!inner) return null;
  const { m0, m1, partial } = monthSplit(f);
  const month = monthOf(d);
  const parts: RawBuilder<unknown>[] = [];
  if (m0 <= m1) {
    const inside = (b: Rect) => (b.x0 >= inner.x0 && b.x1 <= inner.x1 && b.y0 >= inner.y0 && b.y1 <= inner.y1 ? 'all' : b.x1 < inner.x0 || b.x0 > inner.x1 || b.y1 < inner.y0 || b.y0 > inner.y1 ? 'none' : 'some');
    const outside = (b: Rect) => {
      const i = inside(b);
      return i === 'all' ? 'none' : i === 'none' ? 'all' : 'some';
    };
    const b = f.box;
    const conds = [
      sql`i.lat between ${b.minLat / E6} and ${b.maxLat / E6} and i.lon between ${b.minLon / E6} and ${b.maxLon / E6}`,
      ...(m0 > 0 ? [sql`i.date >= ${`${monthText(m0)}-01`}`] : []),
      ...(m1 < 999999 ? [sql`i.date <= ${`${monthText(m1)}-31`}`] : []),
    ];
    // The tally of the inner cells, and the rows of the edge cells (by their ranges of morton codes,
    // with the box and the whole months).
    parts.push(perRange(d, cellRanges(rect, inside), 1, sql`c.month as m, c.n as cn, c.fatalities as cf`, sql`incident_cell_months c`,
      [sql`c.cell between r.lo and r.hi`, sql`c.month between ${m0} and ${m1}`, sql`c.n <> 0`]));
    parts.push(perRange(d, cellRanges(rect, outside), 4 ** 12, sql`${month} as m, 1 as cn, coalesce(i.fatalities_best, 0) as cf`,
      d.name === 'sqlite' ? sql`incidents i indexed by incidents_cells` : sql`incidents i`, [sql`i.morton between r.lo and r.hi`, ...conds]));
  }
  parts.push(...partialRows(d, f, partial, sql`${month} as m, 1 as cn, coalesce(i.fatalities_best, 0) as cf`));
  const r = await withoutJit(d, sql<Row>`
    select m, sum(cn) as n, sum(cf) as fatalities from (${sql.join(parts, sql` union all `)}) x
    group by m having sum(cn) > 0 order by m`);
  return r.rows.map((x) => ({ period: monthText(Number(x.m)), count: Number(x.n), fatalities: Number(x.fatalities) }));
}

/**
 * Runs a query; on PostgreSQL without JIT compilation. Its planner cannot know how few rows a range of
 * morton codes holds (it guesses 0.5 % of the table per range), so a few hundred ranges looked like
 * millions of rows and it spent ~400 ms compiling a query that runs in a few.
 */
async function withoutJit<T>(d: IncidentDialect, q: RawBuilder<T>): Promise<{ rows: T[] }> {
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
