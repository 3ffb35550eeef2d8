import { sql } from 'kysely';
import { InputError } from '../../errors.ts';
import type { IncidentRecord } from '../../incident/record.ts';
import type { RepositoryContext } from '../store.ts';
import { lockLedger } from '../ledger/ledger-repository.ts';
import { incidentHashes, newIncidentHash, type BoundIncident } from '../ledger/record-content.ts';
import { byArea, count, timeline } from './aggregates.ts';
import { clusters } from './clusters.ts';
import { articleCountsOfRows, withArticleCounts, type ArticleClusterResult } from './cluster-articles.ts';
import { articleCountsByTally } from './cluster-articles-tally.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import { normaliseFilter, type NormalFilter } from './filter.ts';
import { decodeCursor, encodeCursor } from './filter-sql.ts';
import { pageKeys, rowById, rowsByKey, SCAN_BUDGET, withReports } from './paging.ts';
import { PostgresIncidents } from './postgres.ts';
import { prepareRecord, rowToRecord, type PreparedRecord } from './rows.ts';
import { SqliteIncidents } from './sqlite.ts';
import type { ReadMethod } from './read-workers.ts';
import {
  VersionConflict, type AreaCount, type AreaLevel, type ClusterQuery, type ClusterResult, type IncidentChanges, type IncidentFilter,
  type Page, type PageOptions, type TimelineBucket, type TimelinePoint, type UpsertResult,
} from './types.ts';

export { VersionConflict } from './types.ts';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

export interface IncidentRepositoryOptions {
  /** Box pages: rows walked in date order before starting from the spatial index instead (paging.ts). Tests lower it. */
  scanBudget?: number;
}

/**
 * The incident repository: one API over both dialects. Filters are checked
 * here (filter.ts); paging, clusters and aggregates each have their module,
 * and what SQLite and PostgreSQL do differently sits behind IncidentDialect
 * (sqlite.ts, postgres.ts).
 *
 * Writes join the caller's `store.transaction` (SQLite: a SAVEPOINT on the
 * same connection; PostgreSQL: the transaction's own client) and are atomic
 * per call otherwise.
 */
/** What SQLite and PostgreSQL do differently for the repository, on this context's connection. */
export function incidentDialect(ctx: RepositoryContext): IncidentDialect {
  const database = ctx.database;
  return database.dialect === 'sqlite' ? new SqliteIncidents(ctx, database.raw) : new PostgresIncidents(ctx, database.raw);
}

export class IncidentRepository {
  private readonly d: IncidentDialect;
  private readonly scanBudget: number;

  constructor(
    private readonly ctx: RepositoryContext,
    private readonly options: IncidentRepositoryOptions = {},
  ) {
    this.d = incidentDialect(ctx);
    this.scanBudget = options.scanBudget ?? SCAN_BUDGET;
  }

  /** The same repository (same connection or transaction) with other options. */
  withOptions(options: IncidentRepositoryOptions): IncidentRepository {
    return new IncidentRepository(this.ctx, { ...this.options, ...options });
  }

  // ------------------------------------------------------------ writes

  /**
   * Inserts new incidents, updates changed ones, leaves identical ones alone.
   * A record whose source stamps its rows (ACLED `timestamp`) replaces the
   * stored one only when its stamp is newer. An update keeps created_at,
   * bumps the version, appends the new raw reports and clears the assessment
   * (it was computed on the old content). An incident corrected by hand (update) is
   * never replaced: a differing record counts as a conflict and only its report is
   * appended. All or nothing per call.
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
    if (prepared.length === 0) return { imported: 0, updated: 0, unchanged: 0, conflicts: 0, ids: { imported: [], updated: [], conflicts: [], kept: [] } };
    return this.d.upsert(prepared, opts.actor ?? null, new Date().toISOString());
  }

  /** Stores a new incident (a manual report). An existing id is refused (InputError code incident_exists). */
  async create(record: IncidentRecord, actor: string): Promise<IncidentRecord> {
    if (!(await this.d.create(prepareRecord(record), actor, new Date().toISOString()))) {
      throw new InputError(`an incident with id "${record.id}" already exists: update it instead`, { code: 'incident_exists' });
    }
    return (await this.get(record.id))!;
  }

  /**
   * Changes an incident if nobody changed it since `expectedVersion` was read.
   * Returns the updated record, a VersionConflict (stale version), or null (no such incident).
   */
  async update(id: string, changes: IncidentChanges, expectedVersion: number, actor: string): Promise<IncidentRecord | VersionConflict | null> {
    const merge = (current: IncidentRecord) => prepareRecord({ ...current, ...changes, id, reports: [] });
    const out = await this.d.update(id, expectedVersion, merge, actor, new Date().toISOString());
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
    return entries.length === 0 ? 0 : this.d.setAssessments(entries);
  }

  /** Deletes an incident with its reports (a manual report entered by mistake). Returns false when there was none. */
  async remove(id: string): Promise<boolean> {
    return this.d.remove(id);
  }

  // ------------------------------------------------------------ reads

  async get(id: string): Promise<IncidentRecord | null> {
    const row = await rowById(this.d, id);
    return row ? (await withReports(this.d, [row]))[0]! : null;
  }

  /**
   * The content hash (record-content.ts), version and stored record of each of these incidents as stored
   * now, for the ledger entries that record their writes; ids not stored are left out. In a transaction,
   * after the ledger's lock (LedgerRepository.lock), so nothing ledgered comes between the read and the entry.
   */
  async contentHashes(ids: readonly string[]): Promise<Map<string, BoundIncident>> {
    await lockLedger(this.ctx);
    return incidentHashes(this.d.db, this.d.name, ids);
  }

  /** The content hash `p` will have once stored as a new incident, when known without reading it back (record-content.ts). */
  newContentHash(p: PreparedRecord): string | null {
    return newIncidentHash(p, this.ctx.database.dialect);
  }

  /** Who changed an incident last (the record itself does not carry it). */
  async lastChange(id: string): Promise<{ version: number; updatedAt: string; updatedBy: string | null } | null> {
    const r = (await sql<Row>`select version, updated_at, updated_by from incidents where id = ${id}`.execute(this.d.db)).rows[0];
    return r ? { version: Number(r.version), updatedAt: r.updated_at, updatedBy: r.updated_by ?? null } : null;
  }

  /**
   * One page of incidents, newest first (date desc, then id asc), with a
   * cursor for the next page. Paging is by key, so rows added meanwhile
   * never shift a page. `withReports: false` (lists) reads only the stored
   * record JSON of each row, never its raw reports.
   */
  async query(filter: IncidentFilter = {}, page: PageOptions = {}): Promise<Page<IncidentRecord>> {
    const limit = page.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InputError(`limit must be an integer from 1 to ${MAX_PAGE}`, { code: 'invalid_filter' });
    const f = normaliseFilter(filter);
    const cur = page.cursor ? decodeCursor(page.cursor) : null;
    const keys = await pageKeys(this.d, f, cur, limit + 1, this.scanBudget);
    const rows = await rowsByKey(this.d, keys.slice(0, limit).map((k) => k.key));
    const items = page.withReports === false ? rows.map((r) => rowToRecord(r, [])) : await withReports(this.d, rows);
    const last = keys.length > limit ? keys[limit - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor(last.date, last.id) : null };
  }

  async count(filter: IncidentFilter = {}): Promise<number> {
    const f = normaliseFilter(filter);
    return this.gated(() => count(this.d, f), 'count', [filter]);
  }

  /** Incidents and fatalities (sum of best estimates) per day, ISO week (its Monday) or month, oldest first. */
  async timeline(filter: IncidentFilter, bucket: TimelineBucket): Promise<TimelinePoint[]> {
    const f = normaliseFilter(filter);
    return this.gated(() => timeline(this.d, f, bucket), 'timeline', [filter, bucket]);
  }

  /** Counts per country, or per (country, admin-1) for choropleths (aggregates.ts). */
  async byArea(filter: IncidentFilter, level: AreaLevel): Promise<AreaCount[]> {
    const f = normaliseFilter(filter);
    return this.gated(() => byArea(this.d, f, level), 'byArea', [filter, level]);
  }

  /**
   * Point clusters for a map viewport on a Web Mercator grid of 64×64 px cells at the given zoom. Every
   * incident matching the filter inside the bbox is in exactly one cluster, so `total` equals count(filter)
   * for the same bbox. Each cluster sits at the mean position of its incidents and says how many of them are
   * coarse (placed at an area's centroid): the map must not draw those as exact points.
   */
  async clusters(q: ClusterQuery): Promise<ClusterResult> {
    const { f, zoom } = this.clusterQuery(q);
    return this.gated(() => clusters(this.d, f, zoom), 'clusters', [q]);
  }

  /**
   * The clusters, each with how many of its incidents trigger each of `articles` of `charter` (cluster-articles.ts):
   * for a large box from the tally kept on write (cluster-articles-tally.ts), else from the rows.
   */
  async clustersByArticle(q: ClusterQuery, charter: string, articles: readonly string[]): Promise<ArticleClusterResult> {
    const { f, zoom } = this.clusterQuery(q);
    const read = async () => {
      const base = await clusters(this.d, f, zoom);
      const counts = (await articleCountsByTally(this.d, f, base.level, charter, articles)) ?? (await articleCountsOfRows(this.d, f, base.level, charter, articles));
      return withArticleCounts(base, counts);
    };
    return this.gated(read, 'clustersByArticle', [q, charter, articles]);
  }

  /** Checks a clusters query (throwing InputError before any read). */
  private clusterQuery(q: ClusterQuery): { f: NormalFilter; zoom: number } {
    if (!q || !Array.isArray(q.bbox)) throw new InputError('clusters need a bbox (minLon,minLat,maxLon,maxLat)', { code: 'invalid_filter' });
    const { zoom, ...filter } = q;
    if (typeof zoom !== 'number' || !Number.isFinite(zoom) || zoom < 0 || zoom > 24) throw new InputError('zoom must be a number from 0 to 24', { code: 'invalid_filter' });
    return { f: normaliseFilter(filter), zoom };
  }

  /**
   * A whole-area read, its filter already checked. Inside a transaction it runs here, on the transaction's
   * connection. Otherwise, on a SQLite server's store, the same method runs in a read worker
   * (read-workers.ts), off this thread's event loop; elsewhere through the store's aggregate gate
   * (src/store/aggregate-gate.ts), so that slow ones cannot take every pooled connection.
   */
  private gated<T>(read: () => Promise<T>, method: ReadMethod, args: unknown[]): Promise<T> {
    if (this.ctx.inTransaction) return read();
    const database = this.ctx.database;
    if (database.dialect === 'sqlite' && database.readers) return database.readers.call<T>(method, args);
    return database.aggregates(read);
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
