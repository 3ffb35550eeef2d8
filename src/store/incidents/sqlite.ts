import { sql, type Kysely } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { IncidentRecord } from '../../incident/record.ts';
import type { RepositoryContext } from '../store.ts';
import { boxTerms, summaryRow, summaryTable, type Agg, type CellRange } from './cells.ts';
import type { Cursor, IncidentDialect, Row, SummaryRow, UpdateOutcome } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { compileFilter, cursorCondition, isSpatialOnly, rtreeCondition, whereSql } from './filter-sql.ts';
import { dayNumber, isoDay, rowToRecord, type PreparedRecord } from './rows.ts';
import { SqliteIncidentWriter } from './sqlite-writer.ts';
import { VersionConflict, type UpsertResult } from './types.ts';
import type { SummaryPeriod } from './windows.ts';

/** One writer (its prepared statements) per connection. */
const writers = new WeakMap<SQLite.Database, SqliteIncidentWriter>();

function writerOf(raw: SQLite.Database): SqliteIncidentWriter {
  let w = writers.get(raw);
  if (!w) writers.set(raw, (w = new SqliteIncidentWriter(raw)));
  return w;
}

/**
 * SQLite: writes run synchronously on the raw better-sqlite3 handle
 * (sqlite-writer.ts); selective boxes go through the R*Tree, which also
 * indexes the day.
 */
export class SqliteIncidents implements IncidentDialect {
  readonly name = 'sqlite' as const;
  readonly db: Kysely<any>;
  readonly key = sql.raw('i.rid');
  readonly reportOrder = sql.raw('incident_id, rid');
  readonly dateIndexHint = sql.raw('indexed by incidents_date');
  readonly weekStart = sql`date(i.date, '-' || ((cast(strftime('%w', i.date) as integer) + 6) % 7) || ' days')`;
  private readonly writer: SqliteIncidentWriter;

  constructor(
    private readonly ctx: RepositoryContext,
    private readonly raw: SQLite.Database,
  ) {
    this.db = ctx.db;
    this.writer = writerOf(raw); // registers foedus_in_polygon before any read uses it
  }

  keyOf(value: unknown): number {
    return Number(value);
  }

  /** SQLite has no statistics for a box: always try the date order first. */
  walksDateIndex(): boolean {
    return true;
  }

  // ------------------------------------------------------------ writes

  /** Runs synchronous raw writes holding Kysely's connection lock (or inside the caller's transaction). */
  private async locked<T>(fn: (w: SqliteIncidentWriter) => T): Promise<T> {
    if (this.ctx.inTransaction) return fn(this.writer);
    return this.db.connection().execute(async () => fn(this.writer));
  }

  upsert(prepared: PreparedRecord[], actor: string | null, now: string): Promise<UpsertResult> {
    return this.locked((w) => w.upsertMany(prepared, { actor, now }));
  }

  create(p: PreparedRecord, actor: string, now: string): Promise<boolean> {
    return this.locked((w) =>
      this.raw.transaction(() => {
        if (this.raw.prepare('select 1 from incidents where id = ?').get(p.row.id)) return false;
        w.insert(p, { actor, now });
        return true;
      }).immediate(),
    );
  }

  update(id: string, expectedVersion: number, merge: (current: IncidentRecord) => PreparedRecord, actor: string, now: string): Promise<UpdateOutcome> {
    return this.locked((w) =>
      this.raw.transaction((): UpdateOutcome => {
        const row = this.raw.prepare('select rid, id, record, version, created_at, updated_at, updated_by, assessment from incidents where id = ?').get(id) as Row | undefined;
        if (!row) return 'missing';
        if (Number(row.version) !== expectedVersion) return new VersionConflict(id, expectedVersion, Number(row.version), row.updated_by ?? null, row.updated_at);
        w.replace(Number(row.rid), merge(rowToRecord(row, [])), { actor, now }, true);
        this.raw.prepare('update incidents set corrected_at = ?, corrected_by = ? where rid = ?').run(now, actor, row.rid);
        return 'ok';
      }).immediate(),
    );
  }

  setAssessments(entries: { id: string; assessment: string[] | null }[]): Promise<number> {
    return this.locked((w) => w.setAssessments(entries));
  }

  remove(id: string): Promise<boolean> {
    return this.locked((w) => w.remove(id));
  }

  // ------------------------------------------------------------ reads

  /**
   * A selective box: the R*Tree also indexes the day, so read the newest stretch of days first and
   * widen it until the page is full. With only a box and dates, each stretch (×8 wider than the last) is
   * searched in the R*Tree alone (its entries carry the day: no row is read) for the day of the n-th newest
   * match, and only the rows from that day on are read: about n rows, whatever the box holds. Other filters
   * need the rows, so there each stretch reads its rows.
   */
  async selectivePage(f: NormalFilter, cur: Cursor | null, n: number): Promise<Row[]> {
    const curCond = cur ? [cursorCondition(cur)] : [];
    let hi = cur ? (f.to && f.to < cur.date ? f.to : cur.date) : f.to;
    if (!hi) {
      const m = await sql<{ d: string | null }>`select max(date) as d from incidents`.execute(this.db);
      hi = m.rows[0]?.d ?? null;
      if (!hi) return [];
    }
    const floorDay = f.from ? dayNumber(f.from) : dayNumber('1800-01-01');
    const rows = async (from: string | null) => {
      const conds = [...compileFilter({ ...f, from, to: hi }, 'sqlite', { spatial: 'rtree' }), ...curCond];
      return (await sql<Row>`select i.rid as k, i.date, i.id from incidents i ${whereSql(conds)} order by i.date desc, i.id limit ${n}`.execute(this.db)).rows;
    };
    if (isSpatialOnly(f, false)) {
      const b = f.box!;
      const hiDay = dayNumber(hi);
      for (let span = 32; ; span *= 8) {
        const last = hiDay - span <= floorDay;
        const loDay = last ? floorDay : hiDay - span;
        const cut = await sql<{ d: number }>`
          select min_day as d from incidents_rtree
          where min_lon >= ${b.minLon} and max_lon <= ${b.maxLon} and min_lat >= ${b.minLat} and max_lat <= ${b.maxLat}
            and min_day >= ${loDay} and max_day <= ${hiDay}
          order by min_day desc limit 1 offset ${n - 1}`.execute(this.db);
        const d = cut.rows[0]?.d;
        if (d === undefined && !last) continue;
        const page = await rows(d === undefined ? f.from : isoDay(Number(d)));
        // Full, or everything down to the window's start was read: done. (Short only when a cursor hid rows of its own day.)
        if (page.length === n || d === undefined) return page;
        break;
      }
    }
    for (let span = 32; ; span *= 4) {
      const loDay = dayNumber(hi) - span;
      const last = loDay <= floorDay;
      const r = await rows(last ? f.from : isoDay(loDay));
      if (r.length === n || last) return r;
    }
  }

  async countRows(f: NormalFilter): Promise<number> {
    const r = f.box && isSpatialOnly(f, false)
      ? await sql<{ n: number }>`select count(*) as n from incidents_rtree where ${rtreeCondition(f)}`.execute(this.db)
      : await sql<{ n: number }>`select count(*) as n from incidents i ${whereSql(compileFilter(f, 'sqlite'))}`.execute(this.db);
    return Number(r.rows[0]!.n);
  }

  /** One query per range: each is one stretch of the summary's primary key. */
  async summaryRows(ranges: CellRange[], p: SummaryPeriod): Promise<SummaryRow[]> {
    const { table, period } = summaryTable(p);
    const out: SummaryRow[] = [];
    for (const r of ranges) {
      const res = await sql<Row>`
        select cell, sum(n) as n, sum(sum_lat) as slat, sum(sum_lon) as slon, sum(coarse) as coarse from ${table}
        where cell between ${r.lo} and ${r.hi} and ${period} between ${p.from} and ${p.to} group by cell having sum(n) > 0`.execute(this.db);
      for (const x of res.rows) out.push(summaryRow(x));
    }
    return out;
  }

  /** One index range of `morton` per cell (the cells index covers box, date and precision): no sort, no row lookups. */
  async cellsByRange(f: NormalFilter, ranges: CellRange[]): Promise<Agg[]> {
    const { lat0, lat1, lon0, lon1, more } = boxTerms(f);
    const out: Agg[] = [];
    for (const r of ranges) {
      const res = await sql<Row>`
        select count(*) as n, sum(lat) as slat, sum(lon) as slon, sum(coarse) as coarse, min(rid) as one
        from incidents indexed by incidents_cells
        where morton between ${r.lo} and ${r.hi} and lat between ${lat0} and ${lat1} and lon between ${lon0} and ${lon1} ${more}`.execute(this.db);
      const x = res.rows[0]!;
      if (Number(x.n) > 0) out.push({ cx: r.cx, cy: r.cy, n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse), one: x.one === null ? null : Number(x.one) });
    }
    return out;
  }
}
