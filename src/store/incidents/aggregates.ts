import { sql, type RawBuilder } from 'kysely';
import { InputError } from '../../errors.ts';
import { boxCells, SUMMARY_LEVEL } from './cells.ts';
import { innerRect } from './box-ranges.ts';
import { cellsBySummary } from './clusters.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { compileFilter, isSpatialOnly, whereSql } from './filter-sql.ts';
import { byAreaByMonths, countByDays, countOfCountries, monthsOfBox, monthsOfCountries, timelineByDays } from './tallies.ts';
import type { AreaCount, AreaLevel, TimelineBucket, TimelinePoint } from './types.ts';
import { summarySplit } from './windows.ts';

/**
 * Counts, timelines and counts per area of the incidents matching a filter: from the tallies kept on
 * write when they can answer (tallies.ts), else from the rows.
 */

export async function count(d: IncidentDialect, f: NormalFilter): Promise<number> {
  if (f.empty) return 0;
  return (await countByDays(d, f)) ?? (await countOfCountries(d, f)) ?? (await countBySummary(d, f)) ?? d.countRows(f);
}

/**
 * Large boxes with only box/date filters: the cell summaries for the cells wholly inside and the whole
 * years and months, rows for the rest. null when it would not pay (small boxes, no whole month, other filters).
 */
async function countBySummary(d: IncidentDialect, f: NormalFilter): Promise<number | null> {
  if (!f.box || !isSpatialOnly(f, false)) return null;
  const { periods, partial } = summarySplit(f);
  if (!periods.length) return null;
  // Any cell wholly inside pays: the edge cells' rows are read from the cells index alone (no table
  // rows), where the count from the rows reads every row of the box (1.2-1.4 s for a zoom-8 box of the
  // Sahel at 1M incidents on PostgreSQL, against 60-90 ms for its clusters, which went this way).
  if (!innerRect(f)) return null;
  let level = SUMMARY_LEVEL;
  while (level > 0 && boxCells(f, level).cells > 64) level--;
  const c = boxCells(f, level);
  const aggs = await cellsBySummary(d, f, level, c.x0, c.x1, c.y0, c.y1, false);
  let n = aggs.reduce((t, a) => t + a.n, 0);
  for (const [from, to] of partial) n += await d.countRows({ ...f, from, to });
  return n;
}

/** Incidents and fatalities (sum of best estimates) per day, ISO week (its Monday) or month, oldest first. */
export async function timeline(d: IncidentDialect, f: NormalFilter, bucket: TimelineBucket): Promise<TimelinePoint[]> {
  const period = periodOf(d, bucket);
  const months = bucket === 'month' ? ((await monthsOfBox(d, f)) ?? (await monthsOfCountries(d, f))) : null;
  return months ?? (await timelineByDays(d, f, period)) ?? timelineOfRows(d, f, bucket);
}

function periodOf(d: IncidentDialect, bucket: TimelineBucket): RawBuilder<unknown> {
  if (bucket === 'day') return sql`i.date`;
  if (bucket === 'month') return sql`substr(i.date, 1, 7)`;
  if (bucket === 'week') return d.weekStart;
  throw new InputError(`unknown timeline bucket "${String(bucket)}": use day, week or month`, { code: 'invalid_filter' });
}

/** The timeline from the rows (any filter). */
export async function timelineOfRows(d: IncidentDialect, f: NormalFilter, bucket: TimelineBucket): Promise<TimelinePoint[]> {
  const r = await sql<Row>`
    select ${periodOf(d, bucket)} as period, count(*) as n, coalesce(sum(i.fatalities_best), 0) as fatalities
    from incidents i ${whereSql(compileFilter(f, d.name))}
    group by 1 order by 1`.execute(d.db);
  return r.rows.map((x) => ({ period: String(x.period), count: Number(x.n), fatalities: Number(x.fatalities) }));
}

/**
 * Counts per country, or per (country, admin-1) for choropleths. The admin-1 is the one derived from the
 * shipped boundaries (so it matches the map's polygons) when known, else the source's own name.
 */
export async function byArea(d: IncidentDialect, f: NormalFilter, level: AreaLevel): Promise<AreaCount[]> {
  if (level !== 'country' && level !== 'admin1') throw new InputError(`unknown area level "${String(level)}": use country or admin1`, { code: 'invalid_filter' });
  return (await byAreaByMonths(d, f, level)) ?? byAreaOfRows(d, f, level);
}

/** The counts per area from the rows (any filter). */
export async function byAreaOfRows(d: IncidentDialect, f: NormalFilter, level: AreaLevel): Promise<AreaCount[]> {
  const where = whereSql(compileFilter(f, d.name));
  if (level === 'country') {
    const r = await sql<Row>`
      select i.country as country, count(*) as n, coalesce(sum(i.fatalities_best), 0) as fatalities
      from incidents i ${where} group by i.country order by n desc, country`.execute(d.db);
    return r.rows.map((x) => ({ country: x.country ?? null, count: Number(x.n), fatalities: Number(x.fatalities) }));
  }
  const r = await sql<Row>`
    select i.country as country, coalesce(i.admin1_derived, i.admin1) as admin1, count(*) as n, coalesce(sum(i.fatalities_best), 0) as fatalities
    from incidents i ${where} group by 1, 2 order by n desc, 1, 2`.execute(d.db);
  return r.rows.map((x) => ({ country: x.country ?? null, admin1: x.admin1 ?? null, count: Number(x.n), fatalities: Number(x.fatalities) }));
}
