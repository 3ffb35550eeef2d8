import { sql, type Kysely, type RawBuilder } from 'kysely';
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import { InputError } from '../../errors.ts';
import { isRealDate } from '../../incident/incident.ts';
import type { IncidentRecord, LocationPrecision, SourceReport } from '../../incident/record.ts';
import type { Dialect } from '../database.ts';
import type { RepositoryContext } from '../store.ts';
import {
  compileFilter, cursorCondition, decodeCursor, encodeCursor, isSpatialOnly, normaliseFilter, rtreeCondition, whereSql, type NormalFilter,
} from './filter.ts';
import { onClient, pgJson, pgUpsertMany, PG_COLUMNS } from './postgres.ts';
import { cellIndex, cellRange, dayNumber, E6, interleave, isoDay, mercator, MORTON_LEVEL, prepareRecord, reportFromRow, rowToRecord, type PreparedRecord, type ReportRow } from './rows.ts';
import { SqliteIncidentWriter } from './sqlite.ts';
import { ViewportIndex, type Snapshot } from './viewport.ts';
import {
  VersionConflict, type AreaCount, type AreaLevel, type Cluster, type ClusterQuery, type ClusterResult, type IncidentChanges, type IncidentFilter,
  type Page, type PageOptions, type TimelineBucket, type TimelinePoint, type UpsertResult,
} from './types.ts';

export { VersionConflict } from './types.ts';

/**
 * The incident repository: one API, the SQL of both dialects inside.
 *
 * Writes join the caller's `store.transaction` (SQLite: a SAVEPOINT on the
 * same connection; PostgreSQL: the transaction's own client) and are atomic
 * per call otherwise. Reads go through Kysely, with dialect-specific SQL for
 * the spatial, full-text and grouping parts.
 */

const READ_COLS_SQL = 'i.id, i.date, i.record, i.version, i.created_at, i.updated_at, i.updated_by, i.assessment';
const READ_COLS = sql.raw(READ_COLS_SQL);
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** Clusters: above this many cells in the box, one GROUP BY replaces the per-cell index ranges. */
const MAX_CELL_QUERIES = 1500;

const writers = new WeakMap<SQLite.Database, SqliteIncidentWriter>();
const viewports = new WeakMap<SQLite.Database, ViewportIndex>();
const byRid = new WeakMap<SQLite.Database, SQLite.Statement>();

function nowIso(): string {
  return new Date().toISOString();
}

export class IncidentRepository {
  /** Paging with a box: rows walked in date order before starting from the spatial index instead (see pageKeys). Tests lower it. */
  static scanBudget = 4000;
  /** SQLite: answer box (+ dates) pages from the in-memory copy of viewport.ts when it is current. Tests turn it off to compare. */
  static useViewportIndex = true;

  private readonly db: Kysely<any>;
  private readonly dialect: Dialect;

  constructor(private readonly ctx: RepositoryContext) {
    this.db = ctx.db;
    this.dialect = ctx.database.dialect;
    if (ctx.database.dialect === 'sqlite') this.sqliteWriter(); // registers foedus_in_polygon before any read uses it
  }

  // ------------------------------------------------------------ writes

  private sqliteWriter(): SqliteIncidentWriter {
    const raw = this.ctx.database.raw as SQLite.Database;
    let w = writers.get(raw);
    if (!w) {
      w = new SqliteIncidentWriter(raw);
      writers.set(raw, w);
    }
    return w;
  }

  /** SQLite: the in-memory viewport index of this connection (viewport.ts). */
  viewportIndex(): ViewportIndex | null {
    if (this.ctx.database.dialect !== 'sqlite' || !IncidentRepository.useViewportIndex) return null;
    const raw = this.ctx.database.raw;
    let v = viewports.get(raw);
    if (!v) viewports.set(raw, (v = new ViewportIndex(raw, this.sqliteWriter())));
    return v;
  }

  /** The current viewport snapshot when it can answer this filter (a box, dates, a cursor: nothing else), else null. */
  private viewportFor(f: NormalFilter, cur: { date: string; id: string } | null): Snapshot | null {
    if (!f.box || f.empty || !isSpatialOnly(f, false)) return null;
    if (cur && !isRealDate(cur.date)) return null; // a cursor not made here: SQL compares it as text
    return this.viewportIndex()?.current() ?? null;
  }

  /** SQLite: runs synchronous raw writes holding Kysely's connection lock (or inside the caller's transaction). */
  private async onSqlite<T>(fn: (w: SqliteIncidentWriter) => T): Promise<T> {
    const w = this.sqliteWriter();
    if (this.ctx.inTransaction) return fn(w);
    return this.db.connection().execute(async () => fn(w));
  }

  private async onPg<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const d = this.ctx.database;
    if (d.dialect !== 'postgres') throw new Error('not a PostgreSQL store');
    return onClient(d.raw, this.ctx.pgClient, fn);
  }

  /**
   * Inserts new incidents, updates changed ones, leaves identical ones alone.
   * A record whose source stamps its rows (ACLED `timestamp`) replaces the
   * stored one only when its stamp is newer. An update keeps created_at,
   * bumps the version, appends the new raw reports and clears the assessment
   * (it was computed on the old content). All or nothing per call.
   */
  async upsertMany(records: IncidentRecord[], opts: { actor?: string } = {}): Promise<UpsertResult> {
    return this.upsertPrepared(records.map(prepareRecord), opts);
  }

  /**
   * upsertMany for records already through `prepareRecord` (rows.ts): the
   * importer prepares them in its parser thread, which takes the JSON
   * serialising, hashing and text folding off the thread that writes.
   */
  async upsertPrepared(prepared: PreparedRecord[], opts: { actor?: string } = {}): Promise<UpsertResult> {
    if (prepared.length === 0) return { imported: 0, updated: 0, unchanged: 0, ids: { imported: [], updated: [] } };
    const now = nowIso();
    const actor = opts.actor ?? null;
    if (this.dialect === 'sqlite') return this.onSqlite((w) => w.upsertMany(prepared, { actor, now }));
    return this.onPg((c) => pgUpsertMany(c, prepared, actor, now));
  }

  /** Stores a new incident (a manual report). An existing id is refused (InputError code incident_exists). */
  async create(record: IncidentRecord, actor: string): Promise<IncidentRecord> {
    const p = prepareRecord(record);
    const now = nowIso();
    const exists = () => new InputError(`an incident with id "${record.id}" already exists: update it instead`, { code: 'incident_exists' });
    if (this.dialect === 'sqlite') {
      await this.onSqlite((w) =>
        (this.ctx.database.raw as SQLite.Database).transaction(() => {
          if (this.existsSync(record.id)) throw exists();
          w.insert(p, { actor, now });
        }).immediate(),
      );
    } else {
      const inserted = await this.onPg(async (c) => {
        const res = await c.query(pgInsertSql(), pgInsertParams(p, now, actor));
        if (res.rowCount === 0) return false;
        await this.pgReports(c, record.id, p.reports, now);
        return true;
      });
      if (!inserted) throw exists();
    }
    return (await this.get(record.id))!;
  }

  private existsSync(id: string): boolean {
    return !!(this.ctx.database.raw as SQLite.Database).prepare('select 1 from incidents where id = ?').get(id);
  }

  private async pgReports(c: pg.PoolClient, id: string, reports: ReportRow[], now: string): Promise<void> {
    for (const r of reports) {
      await c.query(`insert into incident_reports (incident_id, dataset, source_id, source_timestamp, imported_at, raw) values ($1, $2, $3, $4, $5, $6::jsonb)`, [
        id, r.dataset, r.sourceId, r.sourceTimestamp, r.importedAt ?? now, r.rawJson.includes('\\u0000') ? pgJson(JSON.parse(r.rawJson)) : r.rawJson,
      ]);
    }
  }

  /**
   * Changes an incident if nobody changed it since `expectedVersion` was read.
   * Returns the updated record, a VersionConflict (stale version), or null (no such incident).
   */
  async update(id: string, changes: IncidentChanges, expectedVersion: number, actor: string): Promise<IncidentRecord | VersionConflict | null> {
    const now = nowIso();
    const merge = (current: IncidentRecord): PreparedRecord => {
      const next: IncidentRecord = { ...current, ...changes, id, reports: [] };
      return prepareRecord(next);
    };
    if (this.dialect === 'sqlite') {
      const raw = this.ctx.database.raw as SQLite.Database;
      const out = await this.onSqlite((w) =>
        raw.transaction((): 'missing' | VersionConflict | 'ok' => {
          const row = raw.prepare('select rid, id, record, version, created_at, updated_at, updated_by, assessment from incidents where id = ?').get(id) as
            | Record<string, any>
            | undefined;
          if (!row) return 'missing';
          if (Number(row.version) !== expectedVersion) return new VersionConflict(id, expectedVersion, Number(row.version), row.updated_by ?? null, row.updated_at);
          w.replace(Number(row.rid), merge(rowToRecord(row, [])), { actor, now }, true);
          return 'ok';
        }).immediate(),
      );
      if (out === 'missing') return null;
      if (out instanceof VersionConflict) return out;
      return this.get(id);
    }
    const out = await this.onPg(async (c): Promise<'missing' | VersionConflict | 'ok'> => {
      const cur = await c.query(`select id, record, version, created_at, updated_at, updated_by, assessment from incidents where id = $1 for update`, [id]);
      const row = cur.rows[0];
      if (!row) return 'missing';
      if (Number(row.version) !== expectedVersion) return new VersionConflict(id, expectedVersion, Number(row.version), row.updated_by ?? null, row.updated_at);
      const p = merge(rowToRecord(row, []));
      const sets = PG_COLUMNS.filter((col) => col !== 'id');
      const params: unknown[] = sets.map((col) => (col === 'record' ? p.row.record : p.row[col]));
      const assign = sets.map((col, k) => `${col} = $${k + 1}${col === 'record' ? '::jsonb' : ''}`).join(', ');
      params.push(p.search, now, actor, id);
      const n = params.length;
      await c.query(
        `update incidents set ${assign}, search_text = $${n - 3}, version = version + 1, updated_at = $${n - 2}, updated_by = $${n - 1}, assessment = null where id = $${n}`,
        params,
      );
      return 'ok';
    });
    if (out === 'missing') return null;
    if (out instanceof VersionConflict) return out;
    return this.get(id);
  }

  /** Stores the triggered "charter/article" pairs of an incident (null: not assessed). Not a content change: the version stays. */
  async setAssessment(id: string, pairs: string[] | null): Promise<boolean> {
    return (await this.setAssessments([{ id, assessment: pairs }])) === 1;
  }

  /** setAssessment for many incidents in one statement batch; returns how many existed. */
  async setAssessments(entries: { id: string; assessment: string[] | null }[]): Promise<number> {
    if (entries.length === 0) return 0;
    if (this.dialect === 'sqlite') return this.onSqlite((w) => w.setAssessments(entries));
    const res = await sql`
      update incidents i set assessment = v.a::jsonb
      from unnest(${entries.map((e) => e.id)}::text[], ${entries.map((e) => (e.assessment === null ? null : JSON.stringify(e.assessment)))}::text[]) as v(id, a)
      where i.id = v.id`.execute(this.db);
    return Number(res.numAffectedRows ?? 0);
  }

  /** Deletes an incident with its reports (a manual report entered by mistake). Returns false when there was none. */
  async remove(id: string): Promise<boolean> {
    if (this.dialect === 'sqlite') return this.onSqlite((w) => w.remove(id));
    const res = await sql`delete from incidents where id = ${id}`.execute(this.db);
    return Number(res.numAffectedRows ?? 0) > 0;
  }

  // ------------------------------------------------------------ reads

  private async withReports(rows: Record<string, any>[]): Promise<IncidentRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id as string);
    const order = this.dialect === 'sqlite' ? sql.raw('incident_id, rid') : sql.raw('incident_id, seq');
    const reps = await sql<Record<string, any>>`
      select incident_id, dataset, source_id, source_timestamp, imported_at, raw from incident_reports
      where incident_id in (${sql.join(ids)}) order by ${order}`.execute(this.db);
    const by = new Map<string, SourceReport[]>();
    for (const r of reps.rows) {
      let l = by.get(r.incident_id);
      if (!l) by.set(r.incident_id, (l = []));
      l.push(reportFromRow(r));
    }
    return rows.map((r) => rowToRecord(r, by.get(r.id) ?? []));
  }

  async get(id: string): Promise<IncidentRecord | null> {
    const res = await sql<Record<string, any>>`select ${READ_COLS} from incidents i where i.id = ${id}`.execute(this.db);
    const [rec] = await this.withReports(res.rows);
    return rec ?? null;
  }

  /** Who changed an incident last (the record itself does not carry it). */
  async lastChange(id: string): Promise<{ version: number; updatedAt: string; updatedBy: string | null } | null> {
    const res = await sql<Record<string, any>>`select version, updated_at, updated_by from incidents where id = ${id}`.execute(this.db);
    const r = res.rows[0];
    return r ? { version: Number(r.version), updatedAt: r.updated_at, updatedBy: r.updated_by ?? null } : null;
  }

  /**
   * One page of incidents, newest first (date desc, then id asc), with a
   * cursor for the next page. Paging is by key, so rows added meanwhile
   * never shift a page.
   */
  async query(filter: IncidentFilter = {}, page: PageOptions = {}): Promise<Page<IncidentRecord>> {
    const limit = page.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InputError(`limit must be an integer from 1 to ${MAX_PAGE}`, { code: 'invalid_filter' });
    const f = normaliseFilter(filter);
    const cur = page.cursor ? decodeCursor(page.cursor) : null;
    const keys = await this.pageKeys(f, cur, limit + 1);
    const items = await this.fetch(keys.slice(0, limit).map((k) => k.key), page.withReports !== false);
    const last = keys.length > limit ? keys[limit - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor(last.date, last.id) : null };
  }

  /**
   * query() for API lists: the records without their raw reports, each as its JSON in UTF-8 bytes, made by
   * splicing the stored record JSON with the store's fields, never parsed (JSON.parse + JSON.stringify of a
   * page of 100 cost ~6 ms, the splice ~1 ms). Each is what JSON.stringify would give for query()'s item, key
   * order aside. Bytes, not strings: the route sends them as they are, where a 100 KB string cost the server
   * more in measuring and encoding it (Buffer.byteLength, writev) than the page cost to find.
   */
  async queryJson(filter: IncidentFilter = {}, page: Omit<PageOptions, 'withReports'> = {}): Promise<Page<Buffer>> {
    const limit = page.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InputError(`limit must be an integer from 1 to ${MAX_PAGE}`, { code: 'invalid_filter' });
    const f = normaliseFilter(filter);
    const cur = page.cursor ? decodeCursor(page.cursor) : null;
    const snap = this.viewportFor(f, cur);
    if (!snap) {
      const keys = await this.pageKeysSql(f, cur, limit + 1);
      const last = keys.length > limit ? keys[limit - 1] : undefined;
      return { items: (await this.fetchRows(keys.slice(0, limit).map((k) => k.key))).map(rowToBytes), nextCursor: last ? encodeCursor(last.date, last.id) : null };
    }
    // From memory: the rows' positions, their JSON as far as the snapshot keeps it, the rest read and kept there.
    const found = snap.page({ box: f.box!, from: f.from, to: f.to, after: cur, limit: limit + 1 });
    const last = found.length > limit ? snap.keyAt(found[limit - 1]!) : undefined;
    const shown = found.slice(0, limit);
    const items = shown.map((p) => snap.jsonAt(p));
    const missing = shown.filter((_, k) => items[k] === undefined);
    if (missing.length > 0) {
      const read = new Map(this.rowsByRid(missing.map((p) => snap.rid[p]!)).map((r) => [Number(r.k), rowToBytes(r)]));
      shown.forEach((p, k) => {
        const b = items[k] === undefined ? read.get(snap.rid[p]!) : undefined;
        if (b) snap.keepJson(p, (items[k] = b));
      });
    }
    return { items: items.filter((b): b is Buffer => b !== undefined), nextCursor: last ? encodeCursor(last.date, last.id) : null };
  }

  /** Full records for keys (SQLite rid, PostgreSQL id), in the order given. */
  private async fetch(keys: Array<number | string>, withReports: boolean): Promise<IncidentRecord[]> {
    const rows = await this.fetchRows(keys);
    return withReports ? this.withReports(rows) : rows.map((r) => rowToRecord(r, []));
  }

  private async fetchRows(keys: Array<number | string>): Promise<Record<string, any>[]> {
    if (keys.length === 0) return [];
    const col = this.dialect === 'sqlite' ? sql.raw('i.rid') : sql.raw('i.id');
    const res = await sql<Record<string, any>>`select ${col} as k, ${READ_COLS} from incidents i where ${col} in (${sql.join(keys)})`.execute(this.db);
    const by = new Map(res.rows.map((r) => [this.dialect === 'sqlite' ? Number(r.k) : r.k, r]));
    return keys.map((k) => by.get(k)).filter((r): r is Record<string, any> => r !== undefined);
  }

  /**
   * SQLite: rows by rid through one prepared statement on the raw handle (fetchRows through Kysely prepares
   * its SQL again at every call), for the viewport path's few missing items. Synchronous: nothing else runs
   * on the connection meanwhile.
   */
  private rowsByRid(rids: number[]): Record<string, any>[] {
    const raw = this.ctx.database.raw as SQLite.Database;
    let st = byRid.get(raw);
    if (!st) byRid.set(raw, (st = raw.prepare(`select i.rid as k, ${READ_COLS_SQL} from incidents i where i.rid in (select value from json_each(?))`)));
    return st.all(JSON.stringify(rids)) as Record<string, any>[];
  }

  /** The keys of one page, sorted: from the viewport index when it can answer, else from SQL. */
  private async pageKeys(f: NormalFilter, cur: { date: string; id: string } | null, n: number): Promise<Array<{ key: number | string; date: string; id: string }>> {
    const snap = this.viewportFor(f, cur);
    if (snap) return snap.page({ box: f.box!, from: f.from, to: f.to, after: cur, limit: n }).map((p) => snap.keyAt(p));
    return this.pageKeysSql(f, cur, n);
  }

  /**
   * The keys of one page, sorted, from SQL. Only narrow columns travel through the sort; the records are read after.
   */
  private async pageKeysSql(f: NormalFilter, cur: { date: string; id: string } | null, n: number): Promise<Array<{ key: number | string; date: string; id: string }>> {
    const curCond = cur ? [cursorCondition(cur)] : [];
    const key = this.dialect === 'sqlite' ? sql.raw('i.rid') : sql.raw('i.id');
    const out = (rows: Record<string, any>[]) => rows.map((r) => ({ key: this.dialect === 'sqlite' ? Number(r.k) : (r.k as string), date: r.date as string, id: r.id as string }));
    const pgWalk = this.dialect === 'postgres' && isSpatialOnly(f, false);
    if (f.box && !f.empty && (this.dialect === 'sqlite' || pgWalk)) {
      // The planner trap (research/stack.md): with a box, the database must either walk the date index and
      // test each row, which is fast when the box holds many of the rows, or start from the spatial index,
      // which is fast when it holds few. Neither planner can tell (SQLite has no statistics for it, PostgreSQL
      // guesses a fixed selectivity for point <@ box). Walk the date index (it covers lon/lat) over at most
      // `scanBudget` rows, bounded by the key (date, id) of the row that far down; if the page is not full by
      // then, the box is selective: start from the R*Tree / GiST.
      // The bound is the key, not only the date: one day can hold tens of thousands of rows (sources that
      // date events to a year's or month's end), and `date >= that day` walked all of them (10-30 ms at 1M rows).
      // SQLite keeps one bound per side of the date index's range: the tightest goes in, the others stay out.
      const to = cur && (!f.to || cur.date <= f.to) ? null : f.to;
      const window = [...curCond];
      if (f.from) window.push(sql`i.date >= ${f.from}`);
      if (to) window.push(sql`i.date <= ${to}`);
      const hint = this.dialect === 'sqlite' ? sql.raw('indexed by incidents_date') : sql.raw('');
      const bound = await sql<{ date: string; id: string }>`
        select i.date as date, i.id as id from incidents i ${hint} ${whereSql(window)}
        order by i.date desc, i.id limit 1 offset ${IncidentRepository.scanBudget}`.execute(this.db);
      const floor = bound.rows[0];
      // With a bound, `from` is left out (the bound is inside the window): given `date >= from` too, SQLite
      // walked the window from its start.
      const base = [...compileFilter({ ...f, from: floor ? null : f.from, to }, this.dialect, { spatial: 'columns', gist: false }), ...curCond];
      const walk = async (conds: RawBuilder<unknown>[], limit: number) =>
        (await sql<Record<string, any>>`
          select ${key} as k, i.date, i.id from incidents i ${hint} ${whereSql(conds)}
          order by i.date desc, i.id limit ${limit}`.execute(this.db)).rows;
      if (!floor) return out(await walk(base, n));
      // Index ranges on (date, id), walked in order until `limit` rows match: the days above the bound's, then
      // the bound's own day up to its id.
      const walkParts = async (parts: RawBuilder<unknown>[][], limit: number, got: Record<string, any>[]) => {
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
      const budget = IncidentRepository.scanBudget;
      if (first.length >= 8 && first.length < n) {
        const more = Math.max(budget, Math.ceil(((n - first.length) * budget * 4) / first.length));
        if (more <= 8 * budget) {
          // The second bound, `more` rows past the first: on the first bound's day, else below it (index ranges;
          // the keys past the first bound are inside the window but for its start).
          const sameDay = [sql`i.date = ${floor.date}`, sql`i.id > ${floor.id}`];
          let lo = (await sql<{ date: string; id: string }>`
            select i.date as date, i.id as id from incidents i ${hint} ${whereSql(sameDay)}
            order by i.date desc, i.id limit 1 offset ${more}`.execute(this.db)).rows[0];
          if (!lo) {
            const c = Number((await sql<{ c: number }>`select count(*) as c from incidents i ${hint} ${whereSql(sameDay)}`.execute(this.db)).rows[0]!.c);
            lo = (await sql<{ date: string; id: string }>`
              select i.date as date, i.id as id from incidents i ${hint} ${whereSql([sql`i.date < ${floor.date}`, ...(f.from ? [sql`i.date >= ${f.from}`] : [])])}
              order by i.date desc, i.id limit 1 offset ${more - c}`.execute(this.db)).rows[0];
          }
          // Between the two bounds only the box (and the other filters) apply: the keys are inside the window.
          const inner = compileFilter({ ...f, from: null, to: null }, this.dialect, { spatial: 'columns', gist: false });
          if (!lo) {
            await walkParts([[...base, sql`i.date = ${floor.date}`, sql`i.id > ${floor.id}`], [...base, sql`i.date < ${floor.date}`, ...(f.from ? [sql`i.date >= ${f.from}`] : [])]], n, first);
            return out(first);
          }
          const parts = lo.date === floor.date
            ? [[...inner, sql`i.date = ${lo.date}`, sql`i.id > ${floor.id}`, sql`i.id <= ${lo.id}`]]
            : [
                [...inner, sql`i.date = ${floor.date}`, sql`i.id > ${floor.id}`],
                [...inner, sql`i.date < ${floor.date}`, sql`i.date > ${lo.date}`],
                [...inner, sql`i.date = ${lo.date}`, sql`i.id <= ${lo.id}`],
              ];
          await walkParts(parts, n, first);
        }
      }
      if (first.length === n) return out(first);
      if (this.dialect === 'sqlite') return out(await this.rtreePage(f, cur, n));
      const conds2 = [...compileFilter(f, this.dialect, { spatial: 'rtree' }), ...curCond];
      const second = await sql<Record<string, any>>`select ${key} as k, i.date, i.id from incidents i ${whereSql(conds2)} order by i.date desc, i.id limit ${n}`.execute(this.db);
      return out(second.rows);
    }
    const conds = [...compileFilter(f, this.dialect), ...curCond];
    const res = await sql<Record<string, any>>`select ${key} as k, i.date, i.id from incidents i ${whereSql(conds)} order by i.date desc, i.id limit ${n}`.execute(this.db);
    return out(res.rows);
  }

  /**
   * SQLite, selective box: the R*Tree also indexes the day, so read the newest stretch of days first and
   * widen it until the page is full. With only a box and dates, each stretch (×8 wider than the last) is
   * searched in the R*Tree alone (its entries carry the day: no row is read) for the day of the n-th newest
   * match, and only the rows from that day on are read: about n rows, whatever the box holds. Other filters need the rows, so
   * there each stretch reads its rows.
   */
  private async rtreePage(f: NormalFilter, cur: { date: string; id: string } | null, n: number): Promise<Record<string, any>[]> {
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
      return (await sql<Record<string, any>>`select i.rid as k, i.date, i.id from incidents i ${whereSql(conds)} order by i.date desc, i.id limit ${n}`.execute(this.db)).rows;
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

  async count(filter: IncidentFilter = {}): Promise<number> {
    const f = normaliseFilter(filter);
    if (f.empty) return 0;
    return (await this.countBySummary(f)) ?? this.countRows(f);
  }

  /**
   * Large boxes with only box/date filters: the cluster summary for the cells wholly inside and the whole
   * years, rows for the rest. null when it would not pay (small boxes, no whole year, other filters).
   */
  private async countBySummary(f: NormalFilter): Promise<number | null> {
    if (!f.box || !isSpatialOnly(f, false)) return null;
    const { fullFrom, fullTo, partial } = yearSplit(f);
    if (fullFrom > fullTo) return null;
    const g = (level: number) => boxCells(f, level);
    const g10 = g(SUMMARY_LEVEL);
    const nx = g10.x1 - g10.x0 + 1, ny = g10.y1 - g10.y0 + 1;
    const interior = Math.max(0, nx - 2) * Math.max(0, ny - 2);
    if (nx < 6 || ny < 6 || interior < 4 * (nx * ny - interior)) return null;
    let level = SUMMARY_LEVEL;
    while (level > 0 && g(level).cells > 64) level--;
    const c = g(level);
    const aggs = await this.cellsBySummary(f, level, c.x0, c.x1, c.y0, c.y1, false);
    let n = aggs.reduce((t, a) => t + a.n, 0);
    for (const [from, to] of partial) n += await this.countRows({ ...f, from, to });
    return n;
  }

  private async countRows(f: NormalFilter): Promise<number> {
    if (this.dialect === 'sqlite' && f.box && isSpatialOnly(f, false)) {
      const r = await sql<{ n: number }>`select count(*) as n from incidents_rtree where ${rtreeCondition(f)}`.execute(this.db);
      return Number(r.rows[0]!.n);
    }
    // PostgreSQL, box and a closed date window only: the window's stretch of the date index (covering lon/lat)
    // beats a GiST bitmap over a large box, and the planner cannot tell (fixed guess for point <@ box).
    const gist = !(this.dialect === 'postgres' && f.box && f.from && f.to && isSpatialOnly(f, false));
    const r = await sql<{ n: number }>`select count(*) as n from incidents i ${whereSql(compileFilter(f, this.dialect, { gist }))}`.execute(this.db);
    return Number(r.rows[0]!.n);
  }

  /** Incidents and fatalities (sum of best estimates) per day, ISO week (its Monday) or month, oldest first. */
  async timeline(filter: IncidentFilter, bucket: TimelineBucket): Promise<TimelinePoint[]> {
    const f = normaliseFilter(filter);
    let period: RawBuilder<unknown>;
    if (bucket === 'day') period = sql`i.date`;
    else if (bucket === 'month') period = sql`substr(i.date, 1, 7)`;
    else if (bucket === 'week') {
      period = this.dialect === 'sqlite' ? sql`date(i.date, '-' || ((cast(strftime('%w', i.date) as integer) + 6) % 7) || ' days')` : sql`to_char(date_trunc('week', i.date::date), 'YYYY-MM-DD')`;
    } else throw new InputError(`unknown timeline bucket "${String(bucket)}": use day, week or month`, { code: 'invalid_filter' });
    const r = await sql<Record<string, any>>`
      select ${period} as period, count(*) as n, coalesce(sum(i.fatalities_best), 0) as fatalities
      from incidents i ${whereSql(compileFilter(f, this.dialect))}
      group by 1 order by 1`.execute(this.db);
    return r.rows.map((x) => ({ period: String(x.period), count: Number(x.n), fatalities: Number(x.fatalities) }));
  }

  /**
   * Counts per country, or per (country, admin-1) for choropleths. The admin-1
   * is the one derived from the shipped boundaries (so it matches the map's
   * polygons) when known, else the source's own name; null when neither.
   */
  async byArea(filter: IncidentFilter, level: AreaLevel): Promise<AreaCount[]> {
    const f = normaliseFilter(filter);
    const where = whereSql(compileFilter(f, this.dialect));
    if (level === 'country') {
      const r = await sql<Record<string, any>>`
        select i.country as country, count(*) as n, coalesce(sum(i.fatalities_best), 0) as fatalities
        from incidents i ${where} group by i.country order by n desc, country`.execute(this.db);
      return r.rows.map((x) => ({ country: x.country ?? null, count: Number(x.n), fatalities: Number(x.fatalities) }));
    }
    if (level !== 'admin1') throw new InputError(`unknown area level "${String(level)}": use country or admin1`, { code: 'invalid_filter' });
    const r = await sql<Record<string, any>>`
      select i.country as country, coalesce(i.admin1_derived, i.admin1) as admin1, count(*) as n, coalesce(sum(i.fatalities_best), 0) as fatalities
      from incidents i ${where} group by 1, 2 order by n desc, 1, 2`.execute(this.db);
    return r.rows.map((x) => ({ country: x.country ?? null, admin1: x.admin1 ?? null, count: Number(x.n), fatalities: Number(x.fatalities) }));
  }

  /**
   * Point clusters for a map viewport, aggregated in SQL on a Web Mercator
   * grid of 64×64 px cells at the given zoom (cell level zoom + 2). Every
   * incident matching the filter inside the bbox is in exactly one cluster,
   * so `total` equals count(filter) for the same bbox. Each cluster sits at
   * the mean position of its incidents and says how many of them are coarse
   * (placed at an area's centroid): the map must not draw those as exact points.
   */
  async clusters(q: ClusterQuery): Promise<ClusterResult> {
    if (!q || !Array.isArray(q.bbox)) throw new InputError('clusters need a bbox (minLon,minLat,maxLon,maxLat)', { code: 'invalid_filter' });
    const zoom = q.zoom;
    if (typeof zoom !== 'number' || !Number.isFinite(zoom) || zoom < 0 || zoom > 24) throw new InputError('zoom must be a number from 0 to 24', { code: 'invalid_filter' });
    const { zoom: _z, ...filter } = q;
    const f = normaliseFilter(filter);
    const level = Math.min(MORTON_LEVEL, Math.floor(zoom) + 2);
    if (f.empty) return { clusters: [], total: 0, level };
    const { x0, x1, y0, y1, cells } = boxCells(f, level);
    let aggs: Agg[];
    if (isSpatialOnly(f, false) && level <= SUMMARY_LEVEL && cells <= MAX_CELL_QUERIES) {
      aggs = await this.cellsBySummary(f, level, x0, x1, y0, y1);
    } else if (isSpatialOnly(f) && cells <= MAX_CELL_QUERIES) {
      aggs = await this.cellsByRange(f, level, rangesOf(level, x0, x1, y0, y1, MORTON_LEVEL));
    } else {
      aggs = await this.cellsByGroup(f, level);
    }
    // Single incidents: their id and precision.
    const info = new Map<string | number, { id: string; precision: LocationPrecision }>();
    const singles = aggs.filter((a) => a.n === 1 && a.one !== null).map((a) => a.one!);
    const byKey = async (keys: Array<string | number>, col: 'rid' | 'id') => {
      for (let k = 0; k < keys.length; k += 500) {
        const part = keys.slice(k, k + 500);
        const r = await sql<Record<string, any>>`select ${sql.ref(col)} as k, id, location_precision from incidents where ${sql.ref(col)} in (${sql.join(part)})`.execute(this.db);
        for (const x of r.rows) info.set(col === 'rid' ? Number(x.k) : x.k, { id: x.id, precision: x.location_precision });
      }
    };
    await byKey(singles.filter((k) => typeof k === 'number'), 'rid');
    await byKey(singles.filter((k) => typeof k === 'string'), 'id');
    for (const a of aggs) {
      if (a.n === 1 && a.one === null) {
        const one = await this.findSingle(f, level, a.cx, a.cy);
        if (one) {
          a.one = `single:${one.id}`;
          info.set(a.one, one);
        }
      }
    }
    let total = 0;
    const clusters: Cluster[] = aggs.map((a) => {
      total += a.n;
      const c: Cluster = { lat: a.slat / a.n, lon: a.slon / a.n, count: a.n, coarse: a.coarse, cell: `${level}/${a.cx}/${a.cy}` };
      const one = a.n === 1 && a.one !== null ? info.get(a.one) : undefined;
      if (one) {
        c.id = one.id;
        c.precision = one.precision;
      }
      return c;
    });
    clusters.sort((p, r) => r.count - p.count || p.cell.localeCompare(r.cell));
    return { clusters, total, level };
  }

  /**
   * From the per-(level-10 cell, year) summary for the cells wholly inside the box and the whole years of the
   * window; from the rows for the summary cells on the box's edge and for the partial years at the window's ends.
   */
  private async cellsBySummary(f: NormalFilter, level: number, x0: number, x1: number, y0: number, y1: number, withPartial = true): Promise<Agg[]> {
    const b = f.box!;
    const [la0, la1, lo0, lo1] = [b.minLat / E6, b.maxLat / E6, b.minLon / E6, b.maxLon / E6];
    const { fullFrom, fullTo, partial } = yearSplit(f);
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
    if (fullFrom <= fullTo) {
      const down = SUMMARY_LEVEL - level;
      const eps = 1e-7;
      const summary = await this.summaryRows(rangesOf(level, x0, x1, y0, y1, SUMMARY_LEVEL), fullFrom, fullTo);
      const edges: number[] = [];
      for (const r of summary) {
        const { cx: sx, cy: sy } = deinterleave(r.cell);
        const inside = lonAt(sx, SUMMARY_LEVEL) >= lo0 + eps && lonAt(sx + 1, SUMMARY_LEVEL) <= lo1 - eps && latAt(sy + 1, SUMMARY_LEVEL) >= la0 + eps && latAt(sy, SUMMARY_LEVEL) <= la1 - eps;
        if (inside) add({ cx: Math.floor(sx / 2 ** down), cy: Math.floor(sy / 2 ** down), n: r.n, slat: r.slat, slon: r.slon, coarse: r.coarse, one: null });
        else edges.push(r.cell);
      }
      if (edges.length) {
        const span = 4 ** (MORTON_LEVEL - SUMMARY_LEVEL);
        const yearsOnly: NormalFilter = { ...f, from: fullFrom > -9999 ? `${fullFrom}-01-01` : null, to: fullTo < 9999 ? `${fullTo}-12-31` : null, preciseOnly: false };
        const ranges = edges.map((cell) => {
          const { cx: sx, cy: sy } = deinterleave(cell);
          return { cx: Math.floor(sx / 2 ** down), cy: Math.floor(sy / 2 ** down), lo: cell * span, hi: cell * span + span - 1 };
        });
        for (const a of await this.cellsByRange(yearsOnly, level, ranges)) add(a);
      }
    }
    if (withPartial) {
      for (const [from, to] of partial) {
        for (const a of await this.cellsByGroup({ ...f, from, to }, level)) add(a);
      }
    }
    return [...merged.values()];
  }

  private async summaryRows(ranges: CellRange[], y0: number, y1: number): Promise<Array<{ cell: number; n: number; slat: number; slon: number; coarse: number }>> {
    const conv = (x: Record<string, any>) => ({ cell: Number(x.cell), n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse) });
    if (this.dialect === 'sqlite') {
      const out: Array<{ cell: number; n: number; slat: number; slon: number; coarse: number }> = [];
      for (const r of ranges) {
        const res = await sql<Record<string, any>>`
          select cell, sum(n) as n, sum(sum_lat) as slat, sum(sum_lon) as slon, sum(coarse) as coarse from incident_cells
          where cell between ${r.lo} and ${r.hi} and year between ${y0} and ${y1} group by cell having sum(n) > 0`.execute(this.db);
        for (const x of res.rows) out.push(conv(x));
      }
      return out;
    }
    const res = await sql<Record<string, any>>`
      select c.cell, sum(c.n) as n, sum(c.sum_lat) as slat, sum(c.sum_lon) as slon, sum(c.coarse) as coarse
      from unnest(${ranges.map((r) => r.lo)}::bigint[], ${ranges.map((r) => r.hi)}::bigint[]) as r(lo, hi)
      join incident_cells c on c.cell between r.lo and r.hi and c.year between ${y0} and ${y1}
      group by c.cell having sum(c.n) > 0`.execute(this.db);
    return res.rows.map(conv);
  }

  /** The one incident of a single-incident cluster (when its aggregate came from the summary). */
  private async findSingle(f: NormalFilter, level: number, cx: number, cy: number): Promise<{ id: string; precision: LocationPrecision } | null> {
    const [lo, hi] = cellRange(cx, cy, level);
    // No GiST condition: PostgreSQL then took the GiST or date index over the whole box (120 ms for a Mali
    // viewport and one year) instead of the one cell's range of the morton index.
    const conds = [...compileFilter(f, this.dialect, { spatial: 'columns', gist: false }), sql`i.morton between ${lo} and ${hi}`];
    const r = await sql<Record<string, any>>`select i.id, i.location_precision from incidents i ${whereSql(conds)} limit 2`.execute(this.db);
    return r.rows.length === 1 ? { id: r.rows[0]!.id, precision: r.rows[0]!.location_precision } : null;
  }

  /** One index range of `morton` per cell (the cells index covers box, date and precision): no sort, no row lookups. */
  private async cellsByRange(f: NormalFilter, level: number, ranges: CellRange[]): Promise<Agg[]> {
    const b = f.box!;
    const [la0, la1, lo0, lo1] = [b.minLat / E6, b.maxLat / E6, b.minLon / E6, b.maxLon / E6];
    const extra: RawBuilder<unknown>[] = [];
    if (f.from) extra.push(sql`and date >= ${f.from}`);
    if (f.to) extra.push(sql`and date <= ${f.to}`);
    if (f.preciseOnly) extra.push(sql`and coarse = 0`);
    const more = sql.join(extra, sql` `);
    const out: Agg[] = [];
    if (this.dialect === 'sqlite') {
      for (const r of ranges) {
        const res = await sql<Record<string, any>>`
          select count(*) as n, sum(lat) as slat, sum(lon) as slon, sum(coarse) as coarse, min(rid) as one
          from incidents indexed by incidents_cells
          where morton between ${r.lo} and ${r.hi} and lat between ${la0} and ${la1} and lon between ${lo0} and ${lo1} ${more}`.execute(this.db);
        const x = res.rows[0]!;
        if (Number(x.n) > 0) out.push({ cx: r.cx, cy: r.cy, n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse), one: x.one === null ? null : Number(x.one) });
      }
      return out;
    }
    const res = await sql<Record<string, any>>`
      select r.k, c.n, c.slat, c.slon, c.coarse, c.one
      from unnest(${ranges.map((_, k) => k)}::int[], ${ranges.map((r) => r.lo)}::bigint[], ${ranges.map((r) => r.hi)}::bigint[]) as r(k, lo, hi)
      cross join lateral (
        select count(*) as n, sum(lat) as slat, sum(lon) as slon, sum(coarse) as coarse, min(id) as one
        from incidents
        where morton between r.lo and r.hi and lat between ${la0} and ${la1} and lon between ${lo0} and ${lo1} ${more}
      ) c
      where c.n > 0`.execute(this.db);
    for (const x of res.rows) {
      const r = ranges[Number(x.k)]!;
      out.push({ cx: r.cx, cy: r.cy, n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse), one: x.one ?? null });
    }
    return out;
  }

  /** Any filter: one GROUP BY over the cell prefix of `morton`. */
  private async cellsByGroup(f: NormalFilter, level: number): Promise<Agg[]> {
    const shift = 2 * (MORTON_LEVEL - level);
    const conds = [...compileFilter(f, this.dialect), sql`i.morton is not null`];
    const res = await sql<Record<string, any>>`
      select (i.morton >> ${sql.lit(shift)}) as cell, count(*) as n, sum(i.lat) as slat, sum(i.lon) as slon, sum(i.coarse) as coarse, min(i.id) as one
      from incidents i ${whereSql(conds)} group by 1`.execute(this.db);
    return res.rows.map((x) => {
      const { cx, cy } = deinterleave(Number(x.cell));
      return { cx, cy, n: Number(x.n), slat: Number(x.slat), slon: Number(x.slon), coarse: Number(x.coarse), one: (x.one as string | null) ?? null };
    });
  }

  /** Every matching incident, newest first, read page by page (constant memory): for exports and re-assessment. */
  async *iterate(filter: IncidentFilter = {}, opts: { pageSize?: number; withReports?: boolean } = {}): AsyncGenerator<IncidentRecord> {
    let cursor: string | null = null;
    const limit = Math.min(MAX_PAGE, opts.pageSize ?? 500);
    normaliseFilter(filter); // bad filters fail before the first yield
    do {
      const page: Page<IncidentRecord> = await this.query(filter, { cursor, limit, withReports: opts.withReports !== false });
      for (const r of page.items) yield r;
      cursor = page.nextCursor;
    } while (cursor);
  }
}

/** A list item's JSON as bytes (a module function: tsx keeps names, so a closure made per page costs an Object.defineProperty). */
function rowToBytes(row: Record<string, any>): Buffer {
  return Buffer.from(rowToJson(row));
}

/** rowToRecord(row, []) as JSON text, without parsing the stored record (SQLite: text; PostgreSQL: jsonb, already parsed). */
function rowToJson(row: Record<string, any>): string {
  const record = typeof row.record === 'string' ? row.record : JSON.stringify(row.record);
  const assessment = row.assessment == null ? 'null' : typeof row.assessment === 'string' ? row.assessment : JSON.stringify(row.assessment);
  const body = record.length > 2 ? `${record.slice(1, -1)},` : '';
  return `{"id":${JSON.stringify(row.id)},${body}"reports":[],"assessment":${assessment},"version":${Number(row.version)},"createdAt":${JSON.stringify(row.created_at)},"updatedAt":${JSON.stringify(row.updated_at)}}`;
}

type Agg = { cx: number; cy: number; n: number; slat: number; slon: number; coarse: number; one: string | number | null };
type CellRange = { cx: number; cy: number; lo: number; hi: number };

/** Cells of the summary table: Web Mercator level 10 (1024 per axis). */
const SUMMARY_LEVEL = 10;

/** The window split into whole years (read from the summary) and the partial years at its ends (read from rows). */
function yearSplit(f: NormalFilter): { fullFrom: number; fullTo: number; partial: Array<[string | null, string | null]> } {
  const year = (d: string) => Number(d.slice(0, 4));
  const fullFrom = f.from ? (f.from.endsWith('-01-01') ? year(f.from) : year(f.from) + 1) : -9999;
  const fullTo = f.to ? (f.to.endsWith('-12-31') ? year(f.to) : year(f.to) - 1) : 9999;
  const partial: Array<[string | null, string | null]> = [];
  if (fullFrom > fullTo) partial.push([f.from, f.to]);
  else {
    if (f.from && !f.from.endsWith('-01-01')) partial.push([f.from, `${year(f.from)}-12-31`]);
    if (f.to && !f.to.endsWith('-12-31')) partial.push([`${year(f.to)}-01-01`, f.to]);
  }
  return { fullFrom, fullTo, partial };
}

/** The box's cells at a level: index ranges on both axes (y grows southwards). */
function boxCells(f: NormalFilter, level: number): { x0: number; x1: number; y0: number; y1: number; cells: number } {
  const b = f.box!;
  const tl = mercator(b.maxLat / E6, b.minLon / E6), br = mercator(b.minLat / E6, b.maxLon / E6);
  const x0 = cellIndex(tl.x, level), x1 = cellIndex(br.x, level), y0 = cellIndex(tl.y, level), y1 = cellIndex(br.y, level);
  return { x0, x1, y0, y1, cells: (x1 - x0 + 1) * (y1 - y0 + 1) };
}

/** For each level-`level` cell in [x0..x1]×[y0..y1]: its range of codes at level `at` (≥ level). */
function rangesOf(level: number, x0: number, x1: number, y0: number, y1: number, at: number): CellRange[] {
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

function lonAt(x: number, level: number): number {
  return (x / 2 ** level) * 360 - 180;
}

function latAt(y: number, level: number): number {
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

function deinterleave(m: number): { cx: number; cy: number } {
  return { cx: compact(m), cy: compact(Math.floor(m / 2)) };
}

function pgInsertSql(): string {
  const cols = [...PG_COLUMNS, 'search_text', 'version', 'created_at', 'updated_at', 'updated_by'];
  const ph = cols.map((c, k) => `$${k + 1}${c === 'record' ? '::jsonb' : ''}`);
  return `insert into incidents (${cols.join(', ')}) values (${ph.join(', ')}) on conflict (id) do nothing`;
}

function pgInsertParams(p: PreparedRecord, now: string, actor: string | null): unknown[] {
  return [...PG_COLUMNS.map((c) => p.row[c]), p.search, 1, now, now, actor];
}
