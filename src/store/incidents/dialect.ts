import type { Kysely, RawBuilder } from 'kysely';
import type { IncidentRecord } from '../../incident/record.ts';
import type { Dialect } from '../database.ts';
import type { Agg, CellRange } from './cells.ts';
import type { NormalFilter } from './filter.ts';
import type { PreparedRecord } from './rows.ts';
import type { SummaryPeriod } from './windows.ts';
import type { UpsertResult, VersionConflict } from './types.ts';

/**
 * What differs between SQLite and PostgreSQL for incidents, behind one
 * interface (as Kysely's dialect adapters hide theirs): the write paths, the
 * row key pages carry, and the few reads whose best SQL differs (a selective
 * box, the cluster cells, counting a box). sqlite.ts and postgres.ts
 * implement it; everything else in this folder is written once.
 */

/** A row as the driver gives it (raw SQL over `incidents i`). */
export type Row = Record<string, any>;

/** Keyset paging position: (date desc, id asc). */
export interface Cursor {
  date: string;
  id: string;
}

/** One row of a page: its key (SQLite rid, PostgreSQL id) and its place in the order. */
export interface PageKey {
  key: number | string;
  date: string;
  id: string;
}

export interface SummaryRow {
  cell: number;
  n: number;
  slat: number;
  slon: number;
  coarse: number;
}

export type UpdateOutcome = 'missing' | 'ok' | VersionConflict;

export interface IncidentDialect {
  readonly name: Dialect;
  readonly db: Kysely<any>;
  /** The key pages carry and rows are fetched by (`i.rid` on SQLite, the R*Tree's and FTS's key; `i.id` on PostgreSQL). */
  readonly key: RawBuilder<unknown>;
  keyOf(value: unknown): number | string;
  /** Order of an incident's raw reports: as appended. */
  readonly reportOrder: RawBuilder<unknown>;
  /** Index hint for walks in date order (SQLite: `indexed by incidents_date`; PostgreSQL: none). */
  readonly dateIndexHint: RawBuilder<unknown>;
  /** The Monday (YYYY-MM-DD) of `i.date`'s ISO week. */
  readonly weekStart: RawBuilder<unknown>;

  /** Whether a box page should first walk the date index (see paging.ts) rather than leave the plan to the database. */
  walksDateIndex(f: NormalFilter): boolean;
  /** A box page when the box is selective (few of the rows): from the spatial index. */
  selectivePage(f: NormalFilter, cur: Cursor | null, n: number): Promise<Row[]>;
  /** count(*) of the rows matching `f`, by the best index for it. */
  countRows(f: NormalFilter): Promise<number>;
  /** A cell summary (incident_cells by years, incident_cell_months by months) summed per cell over the given ranges and period. */
  summaryRows(ranges: CellRange[], p: SummaryPeriod): Promise<SummaryRow[]>;
  /** One aggregate per non-empty cell range, box/dates/precision only (the cells index covers them). */
  cellsByRange(f: NormalFilter, ranges: CellRange[]): Promise<Agg[]>;

  upsert(prepared: PreparedRecord[], actor: string | null, now: string): Promise<UpsertResult>;
  /** Inserts a new incident; false when its id is taken. */
  create(p: PreparedRecord, actor: string, now: string): Promise<boolean>;
  /** Replaces an incident's content if its version is still `expectedVersion`; `merge` builds the new content from the stored record. */
  update(id: string, expectedVersion: number, merge: (current: IncidentRecord) => PreparedRecord, actor: string, now: string): Promise<UpdateOutcome>;
  setAssessments(entries: { id: string; assessment: string[] | null }[]): Promise<number>;
  remove(id: string): Promise<boolean>;
}
