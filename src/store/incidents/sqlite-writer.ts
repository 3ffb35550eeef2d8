import type SQLite from 'better-sqlite3';
import { inPrepared, preparePolygon, type PreparedPolygon } from '../../incident/geo/pip.ts';
import type { IncidentRow, PreparedRecord, ReportRow } from './rows.ts';
import type { UpsertResult } from './types.ts';

/**
 * SQLite write path: prepared statements on the raw better-sqlite3 handle,
 * run synchronously inside one SAVEPOINT (or transaction) per call, so a batch
 * is all-or-nothing and joins the caller's `store.transaction` when there is one.
 */

const COLUMNS = [
  'id', 'date', 'date_end', 'kind', 'country', 'admin1', 'admin1_derived', 'lat', 'lon', 'morton', 'location_precision', 'coarse',
  'perpetrator_type', 'target_type', 'fatalities_best', 'fatalities_low', 'fatalities_high', 'dataset', 'source_id', 'source_timestamp',
  'actors_text', 'record', 'content_hash',
] as const satisfies readonly (keyof IncidentRow)[];

function values(row: IncidentRow): unknown[] {
  return COLUMNS.map((c) => row[c]);
}

interface Existing {
  rid: number;
  content_hash: string;
  source_timestamp: number | null;
  corrected_at: string | null;
  version: number;
}

export interface SqliteWriteOptions {
  actor: string | null;
  now: string;
}

export class SqliteIncidentWriter {
  private readonly s;

  constructor(private readonly raw: SQLite.Database) {
    registerFunctions(raw);
    const setCols = COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = ?`).join(', ');
    this.s = {
      existing: raw.prepare(`select rid, content_hash, source_timestamp, version, corrected_at from incidents where id = ?`),
      // `or fail`: with the cells triggers of migration 3 these statements need no statement journal (see there).
      // A failure still undoes the whole call: every write runs in a transaction or savepoint.
      insert: raw.prepare(
        `insert or fail into incidents (${COLUMNS.join(', ')}, version, created_at, updated_at, updated_by, assessment) values (${COLUMNS.map(() => '?').join(', ')}, 1, ?, ?, ?, null)`,
      ),
      update: raw.prepare(`update or fail incidents set ${setCols}, version = version + 1, updated_at = ?, updated_by = ?, assessment = null where rid = ?`),
      updateKeepAssessment: raw.prepare(`update or fail incidents set ${setCols}, version = version + 1, updated_at = ?, updated_by = ? where rid = ?`),
      rtreeInsert: raw.prepare(`insert into incidents_rtree (rid, min_lon, max_lon, min_lat, max_lat, min_day, max_day) values (?, ?, ?, ?, ?, ?, ?)`),
      rtreeDelete: raw.prepare(`delete from incidents_rtree where rid = ?`),
      ftsInsert: raw.prepare(`insert into incidents_fts (rowid, body) values (?, ?)`),
      ftsDelete: raw.prepare(`delete from incidents_fts where rowid = ?`),
      report: raw.prepare(`insert into incident_reports (incident_id, dataset, source_id, source_timestamp, imported_at, raw) values (?, ?, ?, ?, ?, ?)`),
      // A source row already kept beside the record since its correction (see upsertMany).
      reportKept: raw.prepare(`select 1 from incident_reports where incident_id = ? and dataset = ? and raw = ? and imported_at >= ? limit 1`),
      ridOf: raw.prepare(`select rid from incidents where id = ?`),
      deleteRow: raw.prepare(`delete from incidents where rid = ?`),
      deleteReports: raw.prepare(`delete from incident_reports where incident_id = ?`),
      assessment: raw.prepare(`update incidents set assessment = ? where id = ?`),
    };
  }

  private indexes(rid: number, p: PreparedRecord, replace: boolean): void {
    if (replace) {
      this.s.rtreeDelete.run(rid);
      this.s.ftsDelete.run(rid);
    }
    if (p.point) {
      const [x, y, d] = p.point;
      this.s.rtreeInsert.run(rid, x, x, y, y, d, d);
    }
    if (p.search) this.s.ftsInsert.run(rid, p.search);
  }

  private reports(id: string, reports: ReportRow[], now: string): void {
    for (const r of reports) this.s.report.run(id, r.dataset, r.sourceId, r.sourceTimestamp, r.importedAt ?? now, r.rawJson);
  }

  /** Inserts a record known to be new; returns its rid. Throws on a duplicate id (UNIQUE). */
  insert(p: PreparedRecord, o: SqliteWriteOptions): number {
    const rid = Number(this.s.insert.run(...values(p.row), o.now, o.now, o.actor).lastInsertRowid);
    this.indexes(rid, p, false);
    this.reports(p.row.id, p.reports, o.now);
    return rid;
  }

  /** Replaces the content of an existing row, bumping its version; `resetAssessment` clears the stale assessment. */
  replace(rid: number, p: PreparedRecord, o: SqliteWriteOptions, resetAssessment: boolean): void {
    const vals = values(p.row).slice(1);
    (resetAssessment ? this.s.update : this.s.updateKeepAssessment).run(...vals, o.now, o.actor, rid);
    this.indexes(rid, p, true);
    this.reports(p.row.id, p.reports, o.now);
  }

  upsertMany(prepared: PreparedRecord[], o: SqliteWriteOptions): UpsertResult {
    const result: UpsertResult = { imported: 0, updated: 0, unchanged: 0, conflicts: 0, ids: { imported: [], updated: [], conflicts: [], kept: [] } };
    const run = this.raw.transaction(() => {
      for (const p of prepared) {
        const ex = this.s.existing.get(p.row.id) as Existing | undefined;
        if (!ex) {
          this.insert(p, o);
          result.imported++;
          result.ids.imported.push(p.row.id);
          continue;
        }
        if (!shouldUpdate(ex, p.row)) {
          result.unchanged++;
          continue;
        }
        if (ex.corrected_at) {
          // Corrected by hand: the person's values stay; the source's row is kept beside them for review,
          // once per correction: the first import after it keeps the row (stamped now, even when the
          // source's report carries an older import time), later ones of the same row change nothing.
          result.conflicts++;
          result.ids.conflicts.push(p.row.id);
          const correctedAt = ex.corrected_at;
          if (p.reports.every((r) => this.s.reportKept.get(p.row.id, r.dataset, r.rawJson, correctedAt))) continue;
          this.reports(p.row.id, p.reports.map((r) => ({ ...r, importedAt: o.now })), o.now);
          result.ids.kept.push(p.row.id);
          continue;
        }
        this.replace(ex.rid, p, o, true);
        result.updated++;
        result.ids.updated.push(p.row.id);
      }
    });
    // IMMEDIATE: take the write lock up front (waits up to busy_timeout) instead of failing mid-way on
    // SQLITE_BUSY when another process writes; inside the caller's transaction this is a SAVEPOINT.
    run.immediate();
    return result;
  }

  remove(id: string): boolean {
    return this.raw.transaction(() => {
      const row = this.s.ridOf.get(id) as { rid: number } | undefined;
      if (!row) return false;
      this.s.rtreeDelete.run(row.rid);
      this.s.ftsDelete.run(row.rid);
      this.s.deleteReports.run(id);
      this.s.deleteRow.run(row.rid);
      return true;
    }).immediate();
  }

  setAssessments(entries: { id: string; assessment: string[] | null }[]): number {
    let n = 0;
    this.raw.transaction(() => {
      for (const e of entries) n += this.s.assessment.run(e.assessment === null ? null : JSON.stringify(e.assessment), e.id).changes;
    }).immediate();
    return n;
  }
}

/**
 * An incoming version replaces the stored one when its content differs and,
 * for sources that stamp their rows (ACLED `timestamp`), when its stamp is newer.
 */
export function shouldUpdate(ex: { content_hash: string; source_timestamp: number | string | null }, row: IncidentRow): boolean {
  if (ex.content_hash === row.content_hash) return false;
  if (row.source_timestamp !== null && ex.source_timestamp !== null && ex.source_timestamp !== undefined) {
    return row.source_timestamp > Number(ex.source_timestamp);
  }
  return true;
}

// ---------------------------------------------------------------- SQL functions

const registered = new WeakSet<SQLite.Database>();
const polygonCache = new Map<string, PreparedPolygon[]>();

/** foedus_in_polygon(partsJson, lon, lat): the exact even–odd point-in-polygon test of src/incident/geo, for the polygon filter. */
function registerFunctions(raw: SQLite.Database): void {
  if (registered.has(raw)) return;
  registered.add(raw);
  raw.function('foedus_in_polygon', { deterministic: true }, (json: unknown, lon: unknown, lat: unknown) => {
    if (typeof lon !== 'number' || typeof lat !== 'number' || typeof json !== 'string') return 0;
    let parts = polygonCache.get(json);
    if (!parts) {
      parts = (JSON.parse(json) as number[][][][]).map((rings) => preparePolygon(rings));
      if (polygonCache.size > 32) polygonCache.clear();
      polygonCache.set(json, parts);
    }
    for (const p of parts) if (inPrepared(p, lon, lat)) return 1;
    return 0;
  });
}
