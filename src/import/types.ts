import type { Readable } from 'node:stream';
import type { IncidentRecord } from '../incident/record.ts';
import type { Store } from '../store/store.ts';
import type { PreparedRecord } from '../store/incidents/rows.ts';

export const IMPORT_FORMATS = ['ucdp', 'acled', 'geojson', 'incident'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A row the importer could not take: where it is and why. */
export interface RowRejection {
  /** Physical line (1-based) where the record starts; for JSON inputs, the line where the feature/element starts when known, else 0. */
  line: number;
  /** Column (CSV) or JSON path, null when the whole record is at fault. */
  column: string | null;
  reason: string;
}

/** One item coming out of a format reader: a mapped record, or a rejected row. */
export type ImportItem =
  | { line: number; record: IncidentRecord; error?: undefined }
  | { line: number; record?: undefined; error: RowRejection };

/**
 * An item ready for the store: its record already through the store's
 * `prepareRecord` (JSON, content hash, folded text), which on files happens
 * in the parser thread (see worker.ts), not in the thread that writes.
 */
export type StagedItem =
  | { line: number; prepared: PreparedRecord; error?: undefined }
  | { line: number; prepared?: undefined; error: RowRejection };

export interface ImportOptions {
  /** A file path, or a stream (an upload); give `fileName` with a stream so messages and format detection can use it. */
  source: string | Readable;
  fileName?: string;
  /** Detected from the extension and the first bytes when not given. */
  format?: ImportFormat;
  store: Store;
  /** One transaction; the first bad row stops the import and the store is left exactly as before. */
  strict?: boolean;
  /** Who imports (a user id or "cli:<os user>"); goes into the ledger. */
  actor: string;
  /**
   * Rows per committed batch (normal mode; in strict mode, per ledger entry of the one transaction).
   * Default DEFAULT_BATCH_SIZE (5,000); `foedus import` uses BULK_BATCH_SIZE. Each commit writes the index
   * pages its batch touched (random keys: dates, cells, points), so fewer, larger batches write less per
   * row; records are written in chunks as they come, so a larger batch costs the store's cache, not memory here.
   */
  batchSize?: number;
  /** Rows per write call inside a batch (default 5,000; tests make it small to write a batch in several chunks). */
  writeChunk?: number;
  /** Called after each batch is committed (never before): what is reported here survives a crash. */
  onProgress?: (p: ImportProgress) => void;
  /**
   * Strict mode only: called after each batch is written inside the one
   * transaction, before anything is committed (nothing it reports survives a
   * crash or a bad row later on).
   */
  onBatchWritten?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** How many rejections the summary lists (the count is always complete). Default 100. */
  maxRejections?: number;
  /**
   * Parse in a worker thread while this thread writes (files only; streams
   * are parsed in this thread). Default: for files of 4 MB and more.
   */
  parallel?: boolean;
  /**
   * The server's import job this run belongs to: its id goes into every batch's ledger entry. With
   * `resume`, the job's batches already committed (by a process that died, resume.ts) are not written
   * again: their records are skipped and their counts start the summary's.
   */
  job?: { id: string; resume: boolean };
  /** Clock for the mappers' created/imported stamps (tests). */
  now?: () => Date;
  /**
   * Normal mode only: asked before each batch; while it returns a pace, a batch also ends (and commits,
   * with its own ledger entry) once it has held the transaction for `holdMs`, and the next one starts
   * `pauseMs` later, so that another connection's writer waiting on the lock gets it in between.
   * `foedus import` paces itself while a server uses the same SQLite file (see src/store/sqlite-presence.ts).
   */
  pace?: () => ImportPace | null;
}

/** Short transactions for an import beside a server (see ImportOptions.pace). */
export interface ImportPace {
  /** How long a batch may hold the transaction: it ends after the first write chunk that reaches it. */
  holdMs: number;
  /** The pause after each commit, with the lock free. */
  pauseMs: number;
  /** Rows per write call: how far past `holdMs` a batch can run. */
  chunk: number;
}

export interface ImportProgress {
  file: string;
  format: ImportFormat;
  /** 1-based number of the batch just committed. */
  batch: number;
  /** Totals so far, all committed. */
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  /** Incidents corrected by hand that the source now gives otherwise: kept as corrected. */
  conflicts: number;
  rejected: number;
  /** Source ids of the first and last record of this batch, and the physical line the batch ends on. */
  firstSourceId: string | null;
  lastSourceId: string | null;
  lastLine: number;
  /** Bytes of the input read so far, and its total size when known (a file), for progress bars. */
  bytesRead: number;
  bytesTotal: number | null;
}

export interface ImportSummary {
  file: string;
  format: ImportFormat;
  strict: boolean;
  /** Data records read (header excluded). */
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  /**
   * Incidents corrected by hand that the source now gives otherwise: left as the person corrected
   * them, the source's row kept beside them (the record's reports) for someone to review.
   */
  conflicts: number;
  /** The ids of the first `maxRejections` of them. */
  conflictIds: string[];
  rejected: number;
  /** The first `maxRejections` rejected rows, in file order; `rejected` is the full count. */
  rejections: RowRejection[];
  rejectionsTruncated: boolean;
  batches: number;
  durationMs: number;
}
