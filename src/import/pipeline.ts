import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.ts';
import type { Binding } from '../ledger/records.ts';
import type { PreparedRecord } from '../store/incidents/rows.ts';
import type { Store } from '../store/store.ts';
import { BatchWrites, type HashRepos } from './batch-writes.ts';
import { detectFormat, peekStream } from './formats.ts';
import { readerFor } from './readers.ts';
import { committedBatches, NOTHING_COMMITTED } from './resume.ts';
import { staged } from './stage.ts';
import { readInWorker, type WorkerReader } from './worker.ts';
import type { ImportFormat, ImportOptions, ImportPace, ImportProgress, ImportSummary, RowRejection, StagedItem } from './types.ts';

/**
 * The import pipeline: a format reader (parse + map, from src/incident)
 * streams records; they are written in batches through the incident
 * repository, each batch in one transaction with one ledger entry.
 *
 * - Normal mode: every batch commits on its own; progress is reported only
 *   after the commit, so whatever was reported survives a kill -9, and a
 *   re-run (idempotent: content hash / ACLED timestamp) completes the rest.
 *   A server job taken over by another process (`job.resume`) skips the
 *   records its committed batches wrote and counts them from the ledger.
 *   Bad rows are collected (file:line, column, reason) and the import goes on.
 * - Strict mode: one transaction around everything; the first bad row throws
 *   an InputError naming it and the transaction rolls back.
 *
 * - Paced (options.pace, normal mode only): while another connection may want to write (a server on
 *   the same SQLite file), each batch also ends after a short time and the lock stays free a moment
 *   before the next; each such batch is still all-or-nothing with its own ledger entry.
 *
 * Memory stays constant: the stream is pulled one record at a time
 * (backpressure) and a batch is written in chunks of at most 5,000 rows
 * (DEFAULT_WRITE_CHUNK) as they come, so at most two chunks exist at once (one being
 * written, the parser worker up to one chunk ahead), whatever the batch size.
 * On files the parser worker also prepares the records for the store
 * (stage.ts), so this thread only writes.
 */

/** Rows per committed batch by default: the server's upload jobs share one SQLite connection with its readers, which wait while a batch is written. */
export const DEFAULT_BATCH_SIZE = 5_000;
/**
 * Rows per committed batch for a bulk load in a process of its own (`foedus import`): each commit writes
 * every index page its batch changed (random keys: dates, cells, points, words), so on a large store fewer,
 * larger commits write far less per row. 1M UCDP rows into SQLite (256 MiB cache): 212 s with 5,000,
 * 115 s with 25,000, 105 s with 50,000. Not 50,000: a batch holds SQLite's write lock until its commit
 * (~3 s for 25,000 rows here), and a server writing to the same file meanwhile waits that long (its
 * busy_timeout is 5 s, after which it answers 503 and the user retries).
 */
export const BULK_BATCH_SIZE = 25_000;
/**
 * `foedus import` beside a server on the same SQLite file: transactions of ~200 ms, then the lock free for
 * 110 ms. A writer waiting on the lock sleeps at most 100 ms between tries (SQLite's busy handler), so it
 * gets the lock in the first pause: it waits a few hundred ms, not a whole 25,000-row batch (seconds), and
 * while it waits the server's event loop waits too (better-sqlite3 is synchronous), every request with it.
 * 100 rows per write call keep a transaction close to its 200 ms on a large store.
 */
export const BESIDE_SERVER_PACE: ImportPace = { holdMs: 200, pauseMs: 110, chunk: 100 };
/** SQLite page cache for a bulk load (MiB): it must hold the pages a batch changes until the commit. */
export const BULK_CACHE_MIB = 256;
/** Rows per write call inside a batch: what this thread holds at once, whatever the batch size. */
const DEFAULT_WRITE_CHUNK = 5_000;
export const DEFAULT_MAX_REJECTIONS = 100;
export const IMPORT_ACTION = 'incidents.import';

/** What the importer needs from the store's repositories. */
interface UpsertResult {
  imported: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  ids: { imported: string[]; updated: string[]; conflicts: string[]; kept: string[] };
}
interface LedgerInput { actor: string; action: string; target: string; payload: Record<string, unknown> }
/** The entry for an incident corrected by hand whose source row the batch kept beside it. */
const CONFLICT_ACTION = 'incident.import_conflict';
interface ImportRepos extends HashRepos {
  incidents: HashRepos['incidents'] & { upsertPrepared(records: PreparedRecord[], opts: { actor: string }): Promise<UpsertResult> };
  ledger: HashRepos['ledger'] & { appendMany(entries: LedgerInput[]): Promise<unknown>; appendBound(entry: LedgerInput, bindings: Binding[]): Promise<unknown> };
}

function repos(store: Store): ImportRepos {
  const s = store as Store & Partial<ImportRepos>;
  if (!s.incidents || !s.ledger) throw new Error('this store has no incidents/ledger repository (store not fully built)');
  return s as ImportRepos;
}

/** Files at least this large are parsed in a worker thread while this one writes (see worker.ts). */
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;
/** Items per message from the parser worker. */
const WORKER_CHUNK = 500;

interface Opened {
  items: AsyncIterable<StagedItem>;
  format: ImportFormat;
  file: string;
  bytesTotal: number | null;
  bytesRead: () => number;
  /** Releases the input (the for-await over `items` also does, when it ends early). */
  close: () => void;
}

function statFile(path: string): number {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(`${path} is a folder; give the path of a file to import`, { code: 'unreadable_input' });
    return st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new InputError(`cannot read ${path}: ${why}; check the path`, { code: 'unreadable_input' });
  }
}

function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } catch (err) {
    throw asInputError(err, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * The parser worker for a file, as the import runs it (bench/import.ts measures it alone). It may run a whole
 * write chunk ahead: a SQLite chunk is written synchronously, so while it is being written nothing is taken
 * from the worker, and a smaller window would stall the parser.
 */
export function parserWorker(path: string, file: string, format: ImportFormat, now: Date, writeChunk = DEFAULT_WRITE_CHUNK): WorkerReader {
  return readInWorker({ path, file, format, now, chunkSize: WORKER_CHUNK, window: Math.ceil(writeChunk / WORKER_CHUNK) + 2 });
}

async function openSource(opts: ImportOptions, now: Date, batchSize: number, writeChunk: number): Promise<Opened> {
  const { source } = opts;
  if (typeof source === 'string') {
    const size = statFile(source);
    const file = opts.fileName ?? source;
    const format = opts.format ?? detectFormat(file, readHead(source, 64 * 1024));
    const parallel = opts.parallel ?? size >= PARALLEL_MIN_BYTES;
    if (parallel) {
      const w = parserWorker(source, file, format, now, Math.min(batchSize, writeChunk));
      return { items: w.items, format, file, bytesTotal: size, bytesRead: w.bytesRead, close: () => {} };
    }
    const stream = createReadStream(source, { highWaterMark: 256 * 1024 });
    return { items: staged(readerFor(format)(stream, { file, now: () => now })), format, file, bytesTotal: size, bytesRead: () => stream.bytesRead, close: () => stream.destroy() };
  }
  const file = opts.fileName ?? 'upload';
  let n = 0;
  source.on('data', (c: Buffer | string) => {
    n += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
  });
  let stream: Readable = source;
  let format: ImportFormat;
  try {
    if (opts.format) {
      format = opts.format;
    } else {
      const peeked = await peekStream(source, 64 * 1024);
      stream = peeked.stream;
      format = detectFormat(file, peeked.head);
    }
  } catch (err) {
    stream.destroy();
    throw err;
  }
  return { items: staged(readerFor(format)(stream, { file, now: () => now })), format, file, bytesTotal: null, bytesRead: () => n, close: () => stream.destroy() };
}

/** A file that fails while being read (permissions, a folder, a vanished upload) is the user's input, not a bug. */
function asInputError(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EISDIR' || code === 'ENOENT' || code === 'EPERM') {
    return new InputError(`cannot read ${file}: ${(err as Error).message}`, { code: 'unreadable_input', cause: err });
  }
  return err;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sourceIdOf(p: PreparedRecord): string | null {
  return p.row.source_id ?? p.row.id;
}

export async function runImport(opts: ImportOptions): Promise<ImportSummary> {
  const t0 = performance.now();
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH_SIZE));
  const writeChunk = Math.max(1, Math.floor(opts.writeChunk ?? DEFAULT_WRITE_CHUNK));
  const maxRejections = opts.maxRejections ?? DEFAULT_MAX_REJECTIONS;
  const strict = opts.strict ?? false;
  repos(opts.store); // fail early on a store without the repositories
  opts.signal?.throwIfAborted();
  // A job taken over from a process that died: what its committed batches did is already in (resume.ts).
  const target = `import:${basename(opts.fileName ?? (typeof opts.source === 'string' ? opts.source : 'upload'))}`;
  const prior = opts.job?.resume && !strict ? await committedBatches(opts.store, target, IMPORT_ACTION, opts.job.id) : NOTHING_COMMITTED;

  const opened = await openSource(opts, opts.now?.() ?? new Date(), batchSize, writeChunk);
  const { file, format, items } = opened;

  const summary: ImportSummary = {
    file: basename(file),
    format,
    strict,
    rows: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
    conflicts: 0,
    conflictIds: [],
    rejected: 0,
    rejections: [],
    rejectionsTruncated: false,
    batches: 0,
    durationMs: 0,
  };
  const reject = (e: RowRejection) => {
    summary.rejected++;
    if (summary.rejections.length < maxRejections) summary.rejections.push(e);
    else summary.rejectionsTruncated = true;
  };

  interface Written {
    res: { imported: number; updated: number; unchanged: number; conflicts: number };
    conflictIds: string[];
    firstSourceId: string | null;
    lastSourceId: string | null;
    batch: number;
    rowsSoFar: number;
    lastLine: number;
    rejectedSoFar: number;
  }

  summary.imported = prior.imported;
  summary.updated = prior.updated;
  summary.unchanged = prior.unchanged;
  summary.conflicts = prior.conflicts;
  summary.conflictIds = prior.conflictIds.slice(0, maxRejections);
  summary.batches = prior.batches;
  let toSkip = prior.through;

  const totals = { imported: prior.imported, updated: prior.updated, unchanged: prior.unchanged, conflicts: prior.conflicts };
  const progressOf = (w: Written): ImportProgress => {
    totals.imported += w.res.imported;
    totals.updated += w.res.updated;
    totals.unchanged += w.res.unchanged;
    totals.conflicts += w.res.conflicts;
    return {
      file: summary.file,
      format,
      batch: w.batch,
      rows: w.rowsSoFar,
      imported: totals.imported,
      updated: totals.updated,
      unchanged: totals.unchanged,
      conflicts: totals.conflicts,
      rejected: w.rejectedSoFar,
      firstSourceId: w.firstSourceId,
      lastSourceId: w.lastSourceId,
      lastLine: w.lastLine,
      bytesRead: opened.bytesRead(),
      bytesTotal: opened.bytesTotal,
    };
  };
  /** Only committed work reaches the summary and onProgress. */
  const committed = (w: Written, p: ImportProgress) => {
    summary.batches = w.batch;
    summary.imported += w.res.imported;
    summary.updated += w.res.updated;
    summary.unchanged += w.res.unchanged;
    summary.conflicts += w.res.conflicts;
    for (const id of w.conflictIds) if (summary.conflictIds.length < maxRejections) summary.conflictIds.push(id);
    opts.onProgress?.(p);
  };

  // The items, pulled one at a time. Rejected rows are counted (strict mode: the first one stops everything).
  const iterator = items[Symbol.asyncIterator]();
  let ended = false;
  let lastLine = 0;
  /** Up to `max` records from the source; fewer only at its end (or on abort). */
  const take = async (max: number): Promise<PreparedRecord[]> => {
    const out: PreparedRecord[] = [];
    while (out.length < max && !ended) {
      if (opts.signal?.aborted) {
        ended = true;
        break;
      }
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      const item = next.value;
      summary.rows++;
      lastLine = item.line;
      if (item.error) {
        if (strict) {
          const e = item.error;
          throw new InputError(`${e.column ? `column ${e.column}: ` : ''}${e.reason} (strict import stopped; nothing was imported)`, {
            code: 'bad_row',
            where: `${file}:${e.line}`,
          });
        }
        reject(item.error);
        continue;
      }
      if (toSkip > 0) {
        toSkip--;
        continue;
      }
      out.push(item.prepared);
    }
    return out;
  };

  /** The first chunk of the next batch; empty at the end. */
  const firstChunk = (pace: ImportPace | null) => take(Math.min(pace?.chunk ?? writeChunk, batchSize));
  let batchNo = prior.batches;
  /** Valid records of the file written so far, the skipped ones of a job taken over included. */
  let recordsThrough = prior.through;
  /**
   * One committed batch (normal mode) or one ledger batch of the single transaction (strict mode): `first`,
   * then more records taken and written in chunks of `writeChunk` until the batch holds `batchSize` rows,
   * then its ledger entry. Records are written as they come, so a large batch costs no memory here; it
   * costs the store's cache, which keeps the pages the batch changed until the commit writes them once.
   */
  const writeBatch = async (store: Store, first: PreparedRecord[], pace: ImportPace | null = null): Promise<Written> => {
    const r = repos(store);
    const started = performance.now();
    const res = { imported: 0, updated: 0, unchanged: 0, conflicts: 0 };
    const conflictIds: string[] = [];
    let records = 0;
    let last = first[first.length - 1]!;
    const batch = batchNo + 1;
    const writes = new BatchWrites();
    for (let chunk = first; chunk.length > 0; ) {
      // The counts, and in `writes` the ids this batch wrote, for its ledger entry (dropped after it).
      const x = await r.incidents.upsertPrepared(chunk, { actor: opts.actor });
      res.imported += x.imported;
      res.updated += x.updated;
      res.unchanged += x.unchanged;
      res.conflicts += x.conflicts;
      conflictIds.push(...x.ids.conflicts);
      writes.add(r, chunk, x);
      records += chunk.length;
      last = chunk[chunk.length - 1]!;
      if (records >= batchSize || ended) break;
      if (pace && performance.now() - started >= pace.holdMs) break;
      chunk = await take(Math.min(pace?.chunk ?? writeChunk, batchSize - records));
    }
    batchNo = batch;
    const firstSourceId = sourceIdOf(first[0]!);
    const lastSourceId = sourceIdOf(last);
    recordsThrough += records;
    // The batch's entry, when it wrote anything (a re-import of an unchanged file leaves the ledger as it
    // was), binding the content hash of every incident it wrote. A server job's entries name the job and
    // how far into the file they reach, so a process taking the job over knows where to go on (resume.ts).
    if (writes.size > 0) {
      const { bindings, conflicts } = await writes.hashes(r);
      await r.ledger.appendMany(conflicts.map(({ id, version, contentHash, proposed }) => ({
        actor: opts.actor,
        action: CONFLICT_ACTION,
        target: `incident:${id}`,
        payload: { id, version, contentHash, import: { file: summary.file, batch }, proposed },
      })));
      await r.ledger.appendBound({
        actor: opts.actor,
        action: IMPORT_ACTION,
        target,
        // The conflicting incidents by id: what a person must review is named in the record itself.
        payload: { file: summary.file, format, strict, ...(opts.job ? { job: opts.job.id, through: recordsThrough } : {}), batch, records, ...res, ...(conflictIds.length ? { conflictIds } : {}), firstSourceId, lastSourceId, lastLine },
      }, bindings);
    }
    return { res, conflictIds, firstSourceId, lastSourceId, batch, rowsSoFar: summary.rows, lastLine, rejectedSoFar: summary.rejected };
  };

  try {
    if (strict) {
      const done: Array<[Written, ImportProgress]> = [];
      await opts.store.transaction(async (tx) => {
        for (let first = await firstChunk(null); first.length > 0; first = await firstChunk(null)) {
          const w = await writeBatch(tx, first);
          const p = progressOf(w);
          done.push([w, p]);
          opts.onBatchWritten?.(p);
        }
        opts.signal?.throwIfAborted(); // an interrupted strict import commits nothing
      });
      // Only now is anything committed: report the batches.
      for (const [w, p] of done) committed(w, p);
    } else {
      // The first chunk of each batch is read before its transaction opens: nothing waits on the source
      // while holding the store's write lock for a batch that has not started.
      let pace = opts.pace?.() ?? null;
      for (let first = await firstChunk(pace); first.length > 0; first = await firstChunk(pace)) {
        const w = await opts.store.transaction((tx) => writeBatch(tx, first, pace));
        committed(w, progressOf(w));
        if (pace) await sleep(pace.pauseMs);
        pace = opts.pace?.() ?? null;
      }
    }
  } catch (err) {
    throw asInputError(err, file);
  } finally {
    await iterator.return?.(undefined)?.catch(() => {});
    opened.close();
  }
  opts.signal?.throwIfAborted();

  summary.durationMs = Math.round(performance.now() - t0);
  return summary;
}
