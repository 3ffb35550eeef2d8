import { sql, type RawBuilder } from 'kysely';
import { perRange, splitBox, withoutJit } from './box-ranges.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { compileFilter, isSpatialOnly, whereSql } from './filter-sql.ts';
import { E6 } from './rows.ts';
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

/**
 * The month timeline of a box (with dates or not, nothing else): the cell-month tally for the cells
 * wholly inside the box and the whole months, the rows for the cells on its edge and the partial months.
 * null when no cell lies wholly inside the box (then its rows are few).
 */
export async function monthsOfBox(d: IncidentDialect, f: NormalFilter): Promise<TimelinePoint[] | null> {
  if (f.empty || !f.box || !isSpatialOnly(f, false)) return null;
  // Worth it from one cell wholly inside: the edge cells' rows come from the covering cells index, and
  // the inner cell's rows are not read at all. A zoom-9 viewport (3 inner cells of 15) over 71,000 of
  // 1M incidents: 1.6 s from the rows, 113 ms so (it needed the inner cells to outnumber the edge ones).
  const split = splitBox(f);
  if (!split) return null;
  const { m0, m1, partial } = monthSplit(f);
  const month = monthOf(d);
  const parts: RawBuilder<unknown>[] = [];
  if (m0 <= m1) {
    const b = f.box;
    const conds = [
      sql`i.lat between ${b.minLat / E6} and ${b.maxLat / E6} and i.lon between ${b.minLon / E6} and ${b.maxLon / E6}`,
      ...(m0 > 0 ? [sql`i.date >= ${`${monthText(m0)}-01`}`] : []),
      ...(m1 < 999999 ? [sql`i.date <= ${`${monthText(m1)}-31`}`] : []),
    ];
    // The tally of the inner cells, and the rows of the edge cells (by their ranges of morton codes,
    // with the box and the whole months).
    parts.push(perRange(d, split.inner, 1, sql`c.month as m, c.n as cn, c.fatalities as cf`, sql`incident_cell_months c`,
      [sql`c.cell between r.lo and r.hi`, sql`c.month between ${m0} and ${m1}`, sql`c.n <> 0`]));
    parts.push(perRange(d, split.edge, 4 ** 12, sql`${month} as m, 1 as cn, coalesce(i.fatalities_best, 0) as cf`,
      d.name === 'sqlite' ? sql`incidents i indexed by incidents_cells` : sql`incidents i`, [sql`i.morton between r.lo and r.hi`, ...conds]));
  }
  parts.push(...partialRows(d, f, partial, sql`${month} as m, 1 as cn, coalesce(i.fatalities_best, 0) as cf`));
  const r = await withoutJit(d, sql<Row>`
    select m, sum(cn) as n, sum(cf) as fatalities from (${sql.join(parts, sql` union all `)}) x
    group by m having sum(cn) > 0 order by m`);
  return r.rows.map((x) => ({ period: monthText(Number(x.m)), count: Number(x.n), fatalities: Number(x.fatalities) }));
}
