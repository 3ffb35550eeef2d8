import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import { runImport } from '../import/pipeline.ts';
import type { ImportFormat, ImportOptions, ImportProgress, ImportSummary } from '../import/types.ts';
import type { Store } from '../store/store.ts';
import type { Feed } from './feed.ts';

/**
 * Import jobs of the server: an upload becomes a job that runs in the
 * background, one at a time (imports share the store's write lock and the
 * machine's cores), reporting committed progress on the live feed.
 * Jobs live in memory: a restart forgets them, never the data already
 * committed (the importer commits batch by batch and is idempotent).
 */

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobProgress {
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  rejected: number;
}

export interface ImportJob {
  id: string;
  status: JobStatus;
  file: string;
  format: ImportFormat | null;
  actor: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: JobProgress;
  summary: ImportSummary | null;
  error: { code: string; message: string } | null;
}

interface Pending {
  job: ImportJob;
  /** The uploaded file. */
  path: string;
  /** What to delete when the job ends (the upload's temp folder). */
  cleanup: string;
}

export type ImportRunner = (opts: ImportOptions) => Promise<ImportSummary>;

/** How many finished jobs are remembered. */
const KEEP_FINISHED = 200;

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();
  private readonly queue: Pending[] = [];
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly feed: Feed,
    private readonly log: FastifyBaseLogger,
    private readonly runner: ImportRunner = runImport,
    /** Called after every import, done or failed (its committed batches are in the store either way). */
    private readonly afterImport: () => void = () => {},
  ) {}

  get(id: string): ImportJob | undefined {
    return this.jobs.get(id);
  }

  /** Queues the import of `path` (a temp file the queue now owns). */
  enqueue(input: { path: string; fileName: string; format: ImportFormat | null; actor: string; cleanup?: string }): ImportJob {
    if (this.closed) throw new Error('the import queue is closed (server shutting down)');
    const job: ImportJob = {
      id: randomUUID(),
      status: 'queued',
      file: input.fileName,
      format: input.format,
      actor: input.actor,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      progress: { rows: 0, imported: 0, updated: 0, unchanged: 0, conflicts: 0, rejected: 0 },
      summary: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    this.queue.push({ job, path: input.path, cleanup: input.cleanup ?? input.path });
    this.feed.publish('import.queued', { id: job.id, status: job.status, file: job.file });
    this.pump();
    return job;
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking jobs, aborts the running one (its committed batches stay) and drops the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) {
      this.finish(p.job, 'failed', null, { code: 'shutdown', message: 'The server shut down before this import started; upload it again.' });
      await rm(p.cleanup, { recursive: true, force: true });
    }
    this.abort.abort();
    await this.idle();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = this.run(next).finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private async run({ job, path, cleanup }: Pending): Promise<void> {
    job.status = 'running';
    job.startedAt = new Date().toISOString();
    this.feed.publish('import.progress', { id: job.id, status: job.status, progress: job.progress });
    try {
      const summary = await this.runner({
        source: path,
        fileName: job.file,
        ...(job.format ? { format: job.format } : {}),
        store: this.store,
        strict: false,
        actor: job.actor,
        signal: this.abort.signal,
        onProgress: (p: ImportProgress) => {
          job.format = p.format;
          job.progress = { rows: p.rows, imported: p.imported, updated: p.updated, unchanged: p.unchanged, conflicts: p.conflicts, rejected: p.rejected };
          this.feed.publish('import.progress', { id: job.id, status: job.status, progress: job.progress });
        },
      });
      job.format = summary.format;
      job.progress = { rows: summary.rows, imported: summary.imported, updated: summary.updated, unchanged: summary.unchanged, conflicts: summary.conflicts, rejected: summary.rejected };
      this.finish(job, 'done', summary, null);
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown; name?: unknown };
      const aborted = this.abort.signal.aborted;
      const userError = e?.name === 'InputError';
      if (!userError && !aborted) this.log.error({ err, job: job.id }, 'import job failed');
      this.finish(job, 'failed', null, {
        code: aborted ? 'shutdown' : typeof e?.code === 'string' && userError ? e.code : 'import_failed',
        message: aborted
          ? 'The server shut down during this import; what was committed is kept, upload the file again to complete it.'
          : userError && typeof e.message === 'string'
            ? e.message
            : 'The import failed on our side; the log has the details.',
      });
    } finally {
      await rm(cleanup, { recursive: true, force: true }).catch(() => {});
    }
  }

  private finish(job: ImportJob, status: 'done' | 'failed', summary: ImportSummary | null, error: ImportJob['error']): void {
    job.status = status;
    job.summary = summary;
    job.error = error;
    job.finishedAt = new Date().toISOString();
    this.feed.publish(status === 'done' ? 'import.done' : 'import.failed', job);
    this.afterImport();
    this.forgetOld();
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status === 'done' || j.status === 'failed');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.id);
  }
}

