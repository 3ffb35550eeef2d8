import { sql, type RawBuilder } from 'kysely';
import type { IncidentRecord, SourceReport } from '../../incident/record.ts';
import type { Cursor, IncidentDialect, PageKey, Row } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { compileFilter, cursorCondition, whereSql } from './filter-sql.ts';
import { reportFromRow, rowToRecord } from './rows.ts';

/**
 * Keyset pages of incidents, newest first (date desc, id asc): the keys of a
 * page found first (narrow columns through the sort), the rows read after.
 */

const READ_COLS = sql.raw('i.id, i.date, i.record, i.version, i.created_at, i.updated_at, i.updated_by, i.assessment');

/** Paging with a box: rows walked in date order before starting from the spatial index instead (see pageKeys). */
export const SCAN_BUDGET = 4000;

/**
 * The keys of one page, sorted. Only narrow columns travel through the sort; the records are read after.
 *
 * The planner trap (research/stack.md): with a box, the database must either walk the date index and test
 * each row, which is fast when the box holds many of the rows, or start from the spatial index, which is
 * fast when it holds few. Neither planner can tell (SQLite has no statistics for it, PostgreSQL guesses a
 * fixed selectivity for point <@ box). Walk the date index (it covers lon/lat) over at most `budget` rows,
 * bounded by the key (date, id) of the row that far down; if the page is not full by then, the box is
 * selective: start from the R*Tree / GiST (the dialect's selectivePage).
 */
export async function pageKeys(d: IncidentDialect, f: NormalFilter, cur: Cursor | null, n: number, budget: number): Promise<PageKey[]> {
  const keys = (rows: Row[]): PageKey[] => rows.map((r) => ({ key: d.keyOf(r.k), date: r.date as string, id: r.id as string }));
  const curCond = cur ? [cursorCondition(cur)] : [];
  if (!f.box || f.empty || !d.walksDateIndex(f)) {
    const conds = [...compileFilter(f, d.name), ...curCond];
    return keys((await sql<Row>`select ${d.key} as k, i.date, i.id from incidents i ${whereSql(conds)} order by i.date desc, i.id limit ${n}`.execute(d.db)).rows);
  }
  // The bound is the key, not only the date: one day can hold tens of thousands of rows (sources that date
  // events to a year's or month's end), and `date >= that day` walked all of them (10-30 ms at 1M rows).
  // SQLite keeps one bound per side of the date index's range: the tightest goes in, the others stay out.
  const hint = d.dateIndexHint;
  const to = cur && (!f.to || cur.date <= f.to) ? null : f.to;
  const window = [...curCond];
  if (f.from) window.push(sql`i.date >= ${f.from}`);
  if (to) window.push(sql`i.date <= ${to}`);
  const floor = (await sql<Cursor>`
    select i.date as date, i.id as id from incidents i ${hint} ${whereSql(window)}
    order by i.date desc, i.id limit 1 offset ${budget}`.execute(d.db)).rows[0];
  // With a bound, `from` is left out (the bound is inside the window): given `date >= from` too, SQLite
  // walked the window from its start.
  const base = [...compileFilter({ ...f, from: floor ? null : f.from, to }, d.name, { spatial: 'columns', gist: false }), ...curCond];
  const walk = async (conds: RawBuilder<unknown>[], limit: number) =>
    (await sql<Row>`
      select ${d.key} as k, i.date, i.id from incidents i ${hint} ${whereSql(conds)}
      order by i.date desc, i.id limit ${limit}`.execute(d.db)).rows;
  if (!floor) return keys(await walk(base, n));
  // Index ranges on (date, id), walked in order until `limit` rows match: the days above the bound's, then
  // the bound's own day up to its id.
  const walkParts = async (parts: RawBuilder<unknown>[][], limit: number, got: Row[]) => {
    for (const part of parts) {
      if (got.length >= limit) break;
      got.push(...(await walk(part, limit - got.length)));
    }
    return got;
  };
  const first = await walkParts([
    [...base, sql`i.date > ${floor.date}`],
    [...base, sql`i.date = ${floor.date}`, sql`i.id <= ${floor.id}`, ...(cur && cur.date === floor.date ? [sql`i.id > ${cur.id}`] : [])],
  ], n, []);
  // Some matches but not a page: the box holds a share of the rows that the rate found so far measures.
  // Walk on while that rate says the page fills within 8 budgets (four times the rows it predicts, at
  // least one budget: walking index entries costs far less than the spatial fallback's row reads, and a
  // page one row short, the row that makes the next cursor, is common); a selective box (no or few
  // matches) goes to the spatial index at once.
  if (first.length >= 8 && first.length < n) {
    const more = Math.max(budget, Math.ceil(((n - first.length) * budget * 4) / first.length));
    if (more <= 8 * budget) {
      // The second bound, `more` rows past the first: on the first bound's day, else below it (index ranges;
      // the keys past the first bound are inside the window but for its start).
      const sameDay = [sql`i.date = ${floor.date}`, sql`i.id > ${floor.id}`];
      const below = [sql`i.date < ${floor.date}`, ...(f.from ? [sql`i.date >= ${f.from}`] : [])];
      let lo = (await sql<Cursor>`
        select i.date as date, i.id as id from incidents i ${hint} ${whereSql(sameDay)}
        order by i.date desc, i.id limit 1 offset ${more}`.execute(d.db)).rows[0];
      if (!lo) {
        const c = Number((await sql<{ c: number }>`select count(*) as c from incidents i ${hint} ${whereSql(sameDay)}`.execute(d.db)).rows[0]!.c);
        lo = (await sql<Cursor>`
          select i.date as date, i.id as id from incidents i ${hint} ${whereSql(below)}
          order by i.date desc, i.id limit 1 offset ${more - c}`.execute(d.db)).rows[0];
      }
      if (!lo) {
        await walkParts([[...base, ...sameDay], [...base, ...below]], n, first);
        return keys(first);
      }
      // Between the two bounds only the box (and the other filters) apply: the keys are inside the window.
      const inner = compileFilter({ ...f, from: null, to: null }, d.name, { spatial: 'columns', gist: false });
      const parts = lo.date === floor.date
        ? [[...inner, sql`i.date = ${lo.date}`, sql`i.id > ${floor.id}`, sql`i.id <= ${lo.id}`]]
        : [
            [...inner, ...sameDay],
            [...inner, sql`i.date < ${floor.date}`, sql`i.date > ${lo.date}`],
            [...inner, sql`i.date = ${lo.date}`, sql`i.id <= ${lo.id}`],
          ];
      await walkParts(parts, n, first);
    }
  }
  if (first.length === n) return keys(first);
  return keys(await d.selectivePage(f, cur, n));
}

/** The rows for keys (SQLite rid, PostgreSQL id), in the order given. */
export async function rowsByKey(d: IncidentDialect, keys: Array<number | string>): Promise<Row[]> {
  if (keys.length === 0) return [];
  const res = await sql<Row>`select ${d.key} as k, ${READ_COLS} from incidents i where ${d.key} in (${sql.join(keys)})`.execute(d.db);
  const by = new Map(res.rows.map((r) => [d.keyOf(r.k), r]));
  return keys.map((k) => by.get(k)).filter((r): r is Row => r !== undefined);
}

/** One incident's row by id. */
export async function rowById(d: IncidentDialect, id: string): Promise<Row | undefined> {
  return (await sql<Row>`select ${READ_COLS} from incidents i where i.id = ${id}`.execute(d.db)).rows[0];
}

/** Records with their raw reports (one query for all of them). */
export async function withReports(d: IncidentDialect, rows: Row[]): Promise<IncidentRecord[]> {
  if (rows.length === 0) return [];
  const reps = await sql<Row>`
    select incident_id, dataset, source_id, source_timestamp, imported_at, raw from incident_reports
    where incident_id in (${sql.join(rows.map((r) => r.id as string))}) order by ${d.reportOrder}`.execute(d.db);
  const by = new Map<string, SourceReport[]>();
  for (const r of reps.rows) {
    let l = by.get(r.incident_id);
    if (!l) by.set(r.incident_id, (l = []));
    l.push(reportFromRow(r));
  }
  return rows.map((r) => rowToRecord(r, by.get(r.id) ?? []));
}
