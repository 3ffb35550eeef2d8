import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.ts';
import type { PreparedRecord } from '../store/incidents/rows.ts';
import type { Store } from '../store/store.ts';
import { detectFormat, peekStream } from './formats.ts';
import { readerFor } from './readers.ts';
import { staged } from './stage.ts';
import { readInWorker } from './worker.ts';
import type { ImportFormat, ImportOptions, ImportProgress, ImportSummary, RowRejection, StagedItem } from './types.ts';

/**
 * The import pipeline: a format reader (parse + map, from src/incident)
 * streams records; they are written in batches through the incident
 * repository, each batch in one transaction with one ledger entry.
 *
 * - Normal mode: every batch commits on its own; progress is reported only
 *   after the commit, so whatever was reported survives a kill -9, and a
 *   re-run (idempotent: content hash / ACLED timestamp) completes the rest.
 *   Bad rows are collected (file:line, column, reason) and the import goes on.
 * - Strict mode: one transaction around everything; the first bad row throws
 *   an InputError naming it and the transaction rolls back.
 *
 * Memory stays constant: the stream is pulled one record at a time
 * (backpressure), at most three batches exist at once (one being written,
 * the next being gathered, the parser worker up to one batch ahead).
 * On files the parser worker also prepares the records for the store
 * (stage.ts), so this thread only writes.
 */

export const DEFAULT_BATCH_SIZE = 5_000;
export const DEFAULT_MAX_REJECTIONS = 100;
export const IMPORT_ACTION = 'incidents.import';

/** What the importer needs from the store's repositories. */
interface UpsertResult {
  imported: number;
  updated: number;
  unchanged: number;
  ids: unknown;
}
interface ImportRepos {
  incidents: { upsertPrepared(records: PreparedRecord[], opts: { actor: string }): Promise<UpsertResult> };
  ledger: { append(entry: { actor: string; action: string; target: string; payload: Record<string, unknown> }): Promise<unknown> };
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

async function openSource(opts: ImportOptions, now: Date, batchSize: number): Promise<Opened> {
  const { source } = opts;
  if (typeof source === 'string') {
    const size = statFile(source);
    const file = opts.fileName ?? source;
    const format = opts.format ?? detectFormat(file, readHead(source, 64 * 1024));
    const parallel = opts.parallel ?? size >= PARALLEL_MIN_BYTES;
    if (parallel) {
      // The parser may run a whole batch ahead: a SQLite batch is written synchronously, so while it is
      // being written nothing is taken from the worker, and a smaller window would stall the parser.
      const chunkSize = WORKER_CHUNK;
      const w = readInWorker({ path: source, file, format, now, chunkSize, window: Math.ceil(batchSize / chunkSize) + 2 });
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

function sourceIdOf(p: PreparedRecord): string | null {
  return p.row.source_id ?? p.row.id;
}

export async function runImport(opts: ImportOptions): Promise<ImportSummary> {
  const t0 = performance.now();
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH_SIZE));
  const maxRejections = opts.maxRejections ?? DEFAULT_MAX_REJECTIONS;
  const strict = opts.strict ?? false;
  repos(opts.store); // fail early on a store without the repositories
  opts.signal?.throwIfAborted();

  const opened = await openSource(opts, opts.now?.() ?? new Date(), batchSize);
  const { file, format, items } = opened;

  const summary: ImportSummary = {
    file: basename(file),
    format,
    strict,
    rows: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
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

  const writeBatch = async (store: Store, records: PreparedRecord[], batch: number, rowsSoFar: number, lastLine: number, rejectedSoFar: number) => {
    const r = repos(store);
    // Counts only: the ids are not kept (strict mode holds every batch's result until the commit).
    const { imported, updated, unchanged } = await r.incidents.upsertPrepared(records, { actor: opts.actor });
    const res = { imported, updated, unchanged };
    const firstSourceId = sourceIdOf(records[0]!);
    const lastSourceId = sourceIdOf(records[records.length - 1]!);
    await r.ledger.append({
      actor: opts.actor,
      action: IMPORT_ACTION,
      target: `import:${summary.file}`,
      payload: {
        file: summary.file,
        format,
        strict,
        batch,
        records: records.length,
        imported: res.imported,
        updated: res.updated,
        unchanged: res.unchanged,
        firstSourceId,
        lastSourceId,
        lastLine,
      },
    });
    return { res, firstSourceId, lastSourceId, batch, rowsSoFar, lastLine, rejectedSoFar };
  };
  type Written = Awaited<ReturnType<typeof writeBatch>>;

  const totals = { imported: 0, updated: 0, unchanged: 0 };
  const progressOf = (w: Written): ImportProgress => {
    totals.imported += w.res.imported;
    totals.updated += w.res.updated;
    totals.unchanged += w.res.unchanged;
    return {
      file: summary.file,
      format,
      batch: w.batch,
      rows: w.rowsSoFar,
      imported: totals.imported,
      updated: totals.updated,
      unchanged: totals.unchanged,
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
    opts.onProgress?.(p);
  };

  /**
   * Reads everything and writes batches through `write`; at most one write in
   * flight while the next batch is parsed. `write` commits (normal mode) or
   * runs inside the one transaction (strict mode).
   */
  const pump = async (write: (records: PreparedRecord[], batch: number, rowsSoFar: number, lastLine: number, rejectedSoFar: number) => Promise<Written>, onCommitted: (w: Written) => void) => {
    let pending: Promise<Written> | null = null;
    let batch: PreparedRecord[] = [];
    let batchNo = 0;
    let lastLine = 0;
    const flush = async () => {
      if (pending) onCommitted(await pending);
      pending = null;
      if (batch.length) {
        const records = batch;
        batch = [];
        const p = write(records, ++batchNo, summary.rows, lastLine, summary.rejected);
        p.catch(() => {}); // awaited below; avoid an unhandled rejection while we parse on
        pending = p;
      }
    };
    try {
      for await (const item of items) {
        if (opts.signal?.aborted) break;
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
        batch.push(item.prepared);
        if (batch.length >= batchSize) await flush();
      }
      if (!opts.signal?.aborted) {
        await flush(); // the last partial batch
        await flush(); // and its commit
      } else if (pending) {
        onCommitted(await pending); // committed anyway: report it, start nothing new
        pending = null;
      }
    } catch (err) {
      throw asInputError(err, file);
    } finally {
      if (pending) await (pending as Promise<Written>).catch(() => {});
      opened.close();
    }
    opts.signal?.throwIfAborted();
  };

  if (strict) {
    const done: Array<[Written, ImportProgress]> = [];
    await opts.store.transaction(async (tx) => {
      await pump(
        (records, b, rows, line, rej) => writeBatch(tx, records, b, rows, line, rej),
        (w) => {
          const p = progressOf(w);
          done.push([w, p]);
          opts.onBatchWritten?.(p);
        },
      );
    });
    // Only now is anything committed: report the batches.
    for (const [w, p] of done) committed(w, p);
  } else {
    await pump(
      (records, b, rows, line, rej) => opts.store.transaction((tx) => writeBatch(tx, records, b, rows, line, rej)),
      (w) => committed(w, progressOf(w)),
    );
  }

  summary.durationMs = Math.round(performance.now() - t0);
  return summary;
}
