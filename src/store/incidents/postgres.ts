import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { IncidentRecord } from '../../incident/record.ts';
import type { RepositoryContext } from '../store.ts';
import { boxTerms, summaryRow, summaryTable, type Agg, type CellRange } from './cells.ts';
import type { Cursor, IncidentDialect, Row, SummaryRow, UpdateOutcome } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { byDates, compileFilter, cursorCondition, isSpatialOnly, whereSql } from './filter-sql.ts';
import { onClient, pgJson, pgUpsertMany, PG_COLUMNS } from './postgres-writer.ts';
import { rowToRecord, type PreparedRecord, type ReportRow } from './rows.ts';
import { VersionConflict, type UpsertResult } from './types.ts';
import type { SummaryPeriod } from './windows.ts';

/**
 * PostgreSQL: writes on the transaction's own client (COPY for batches,
 * postgres-writer.ts); several cell ranges in one statement (unnest + lateral);
 * a GiST box index whose selectivity the planner can only guess.
 */
export class PostgresIncidents implements IncidentDialect {
  readonly name = 'postgres' as const;
  readonly db: Kysely<any>;
  readonly key = sql.raw('i.id');
  readonly reportOrder = sql.raw('incident_id, seq');
  readonly dateIndexHint = sql.raw('');
  readonly weekStart = sql`to_char(date_trunc('week', i.date::date), 'YYYY-MM-DD')`;

  constructor(
    private readonly ctx: RepositoryContext,
    private readonly pool: pg.Pool,
  ) {
    this.db = ctx.db;
  }

  keyOf(value: unknown): string {
    return String(value);
  }

  /** Box and dates only: the planner guesses a fixed selectivity for point <@ box, so walk the date index first. */
  walksDateIndex(f: NormalFilter): boolean {
    return isSpatialOnly(f, false);
  }

  // ------------------------------------------------------------ writes

  private onPg<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return onClient(this.pool, this.ctx.pgClient, fn);
  }

  upsert(prepared: PreparedRecord[], actor: string | null, now: string): Promise<UpsertResult> {
    return this.onPg((c) => pgUpsertMany(c, prepared, actor, now));
  }

  create(p: PreparedRecord, actor: string, now: string): Promise<boolean> {
    return this.onPg(async (c) => {
      const res = await c.query(INSERT_SQL, [...PG_COLUMNS.map((col) => p.row[col]), p.search, 1, now, now, actor]);
      if (res.rowCount === 0) return false;
      await insertReports(c, p.row.id, p.reports, now);
      return true;
    });
  }

  update(id: string, expectedVersion: number, merge: (current: IncidentRecord) => PreparedRecord, actor: string, now: string): Promise<UpdateOutcome> {
    return this.onPg(async (c): Promise<UpdateOutcome> => {
      const cur = await c.query(`select id, record, version, created_at, updated_at, updated_by, assessment from incidents where id = $1 for update`, [id]);
      const row = cur.rows[0];
      if (!row) return 'missing';
      if (Number(row.version) !== expectedVersion) return new VersionConflict(id, expectedVersion, Number(row.version), row.updated_by ?? null, row.updated_at);
      const p = merge(rowToRecord(row, []));
      const sets = PG_COLUMNS.filter((col) => col !== 'id');
      const params: unknown[] = sets.map((col) => p.row[col]);
      const assign = sets.map((col, k) => `${col} = $${k + 1}${col === 'record' ? '::jsonb' : ''}`).join(', ');
      params.push(p.search, now, actor, id);
      const n = params.length;
      await c.query(
        `update incidents set ${assign}, search_text = $${n - 3}, version = version + 1, updated_at = $${n - 2}, updated_by = $${n - 1}, corrected_at = $${n - 2}, corrected_by = $${n - 1}, assessment = null where id = $${n}`,
        params,
      );
      return 'ok';
    });
  }

  async setAssessments(entries: { id: string; assessment: string[] | null }[]): Promise<number> {
    const res = await sql`
      update incidents i set assessment = v.a::jsonb
      from unnest(${entries.map((e) => e.id)}::text[], ${entries.map((e) => (e.assessment === null ? null : JSON.stringify(e.assessment)))}::text[]) as v(id, a)
      where i.id = v.id`.execute(this.db);
    return Number(res.numAffectedRows ?? 0);
  }

  async remove(id: string): Promise<boolean> {
    const res = await sql`delete from incidents where id = ${id}`.execute(this.db);
    return Number(res.numAffectedRows ?? 0) > 0;
  }

  // ------------------------------------------------------------ reads

  /** A selective box: the GiST index. */
  async selectivePage(f: NormalFilter, cur: Cursor | null, n: number): Promise<Row[]> {
    const conds = [...compileFilter(f, 'postgres', { spatial: 'rtree' }), ...(cur ? [cursorCondition(cur)] : [])];
    return (await sql<Row>`select i.id as k, i.date, i.id from incidents i ${whereSql(conds)} order by i.date desc, i.id limit ${n}`.execute(this.db)).rows;
  }

  async countRows(f: NormalFilter): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from incidents i ${whereSql(compileFilter(f, 'postgres', { gist: !byDates(f) }))}`.execute(this.db);
    return Number(r.rows[0]!.n);
  }

  /**
   * The ranges are whole cells of one coarser level (rangesOf), so the join is on the summary cell's
   * prefix, which PostgreSQL hashes: on `cell between lo and hi` it looped over every (range, row) pair
   * of the period (290 ms for the ~1,000 cells of a zoom-7 Sahel box over three months at 200,000 incidents).
   */
  async summaryRows(ranges: CellRange[], p: SummaryPeriod): Promise<SummaryRow[]> {
    if (!ranges.length) return [];
    const span = ranges[0]!.hi - ranges[0]!.lo + 1;
    const shift = Math.log2(span);
    if (!Number.isInteger(shift / 2) || ranges.some((r) => r.hi - r.lo + 1 !== span || r.lo % span !== 0)) throw new Error('summaryRows: ranges must be whole cells of one level');
    const { table, period } = summaryTable(p);
    const res = await sql<Row>`
      select c.cell, sum(c.n) as n, sum(c.sum_lat) as slat, sum(c.sum_lon) as slon, sum(c.coarse) as coarse
      from unnest(${ranges.map((r) => r.lo / span)}::bigint[]) as r(code)
      join ${table} c on (c.cell >> ${sql.lit(shift)}) = r.code and c.${period} between ${p.from} and ${p.to}
      group by c.cell having sum(c.n) > 0`.execute(this.db);
    return res.rows.map(summaryRow);
  }

  /** All ranges in one statement: one index range of `morton` per cell, as on SQLite. */
  async cellsByRange(f: NormalFilter, ranges: CellRange[]): Promise<Agg[]> {
    const { lat0, lat1, lon0, lon1, more } = boxTerms(f);
    const res = await sql<Row>`
      select r.k, c.n, c.slat, c.slon, c.coarse, c.one
      from unnest(${ranges.map((_, k) => k)}::int[], ${ranges.map((r) => r.lo)}::bigint[], ${ranges.map((r) => r.hi)}::bigint[]) as r(k, lo, hi)
      cross join lateral (
        select count(*) as n, sum(lat) as slat, sum(lon) as slon, sum(coarse) as coarse, min(id) as one
        from incidents
        where morton between r.lo and r.hi and lat between ${lat0} and ${lat1} and lon between ${lon0} and ${lon1} ${more}
      ) c
      where c.n > 0`.execute(this.db);
    return res.rows.map((x) => {
      const r = ranges[Number(x.k)]!;
      return { cx: r.cx, cy: r.cy, n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse), one: x.one ?? null };
    });
  }
}

const INSERT_COLUMNS = [...PG_COLUMNS, 'search_text', 'version', 'created_at', 'updated_at', 'updated_by'];
const INSERT_SQL = `insert into incidents (${INSERT_COLUMNS.join(', ')}) values (${INSERT_COLUMNS.map((c, k) => `$${k + 1}${c === 'record' ? '::jsonb' : ''}`).join(', ')}) on conflict (id) do nothing`;

async function insertReports(c: pg.PoolClient, id: string, reports: ReportRow[], now: string): Promise<void> {
  for (const r of reports) {
    await c.query(`insert into incident_reports (incident_id, dataset, source_id, source_timestamp, imported_at, raw) values ($1, $2, $3, $4, $5, $6::jsonb)`, [
      id, r.dataset, r.sourceId, r.sourceTimestamp, r.importedAt ?? now, r.rawJson.includes('\\u0000') ? pgJson(JSON.parse(r.rawJson)) : r.rawJson,
    ]);
  }
}
