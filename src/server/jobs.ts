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
 *
 * Each job is also kept in the store (migration 011), so its status survives a restart and any
 * server process on the store can answer for it. The process running a job beats a heartbeat;
 * a queued or running job without one for HEARTBEAT_LOST_MS (its process was killed) becomes
 * `interrupted`, and its upload is deleted. What an interrupted import committed stays (the
 * importer commits batch by batch and is idempotent): importing the file again completes it.
 */

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted';

/** How often the running process says its jobs are alive, and after how long without it they are not. */
export const HEARTBEAT_MS = 10_000;
export const HEARTBEAT_LOST_MS = 60_000;

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
  private beat: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly feed: Feed,
    private readonly log: FastifyBaseLogger,
    private readonly runner: ImportRunner = runImport,
    /** Called after every import, done or failed (its committed batches are in the store either way). */
    private readonly afterImport: () => void = () => {},
  ) {}

  /** A job of this process, or of any process on the store (also one that ended before a restart). */
  async get(id: string): Promise<ImportJob | undefined> {
    const mine = this.jobs.get(id);
    if (mine) return mine;
    const stored = await this.store.jobs.get(id);
    return stored ? (JSON.parse(stored.document) as ImportJob) : undefined;
  }

  /**
   * Marks the jobs whose process is gone as interrupted and deletes their uploads; then every
   * HEARTBEAT_MS keeps this process's jobs alive and sweeps again. Called when the server is ready.
   */
  async start(): Promise<void> {
    // SQLite serves one process: at start, every unfinished job belonged to a server that is gone.
    await this.sweep(this.store.dialect === 'sqlite' ? new Date() : new Date(Date.now() - HEARTBEAT_LOST_MS));
    this.beat = setInterval(() => void this.heartbeat().then(() => this.sweep(new Date(Date.now() - HEARTBEAT_LOST_MS))).catch((err: unknown) => this.log.warn({ err }, 'import jobs heartbeat failed')), HEARTBEAT_MS);
    this.beat.unref();
  }

  private async sweep(lostBefore: Date): Promise<void> {
    for (const s of await this.store.jobs.stale(lostBefore.toISOString())) {
      if (this.jobs.has(s.id)) continue;
      const job = JSON.parse(s.document) as ImportJob;
      job.status = 'interrupted';
      job.finishedAt = new Date().toISOString();
      job.error = { code: 'interrupted', message: 'The server stopped during this import; what was committed is kept. Import the file again to complete it (rows already in are counted as unchanged).' };
      if (s.uploadDir) await rm(s.uploadDir, { recursive: true, force: true }).catch(() => {});
      await this.store.jobs.save({ id: job.id, status: job.status, document: JSON.stringify(job), uploadDir: null, createdAt: job.createdAt, heartbeatAt: job.finishedAt });
      this.log.warn({ job: job.id }, 'import job interrupted: its server stopped');
    }
  }

  private async heartbeat(): Promise<void> {
    for (const p of [...this.queue, ...(this.current ? [this.current] : [])]) await this.persist(p.job, p.cleanup);
  }

  private current: Pending | null = null;

  /** Writes the job to the store; a store that cannot be written to must not stop the import (it is retried at the next beat). */
  private async persist(job: ImportJob, uploadDir: string | null): Promise<void> {
    try {
      await this.store.jobs.save({ id: job.id, status: job.status, document: JSON.stringify(job), uploadDir, createdAt: job.createdAt, heartbeatAt: new Date().toISOString() });
    } catch (err) {
      this.log.warn({ err, job: job.id }, 'could not save the import job');
    }
  }

  /** Queues the import of `path` (a temp file the queue now owns). */
  async enqueue(input: { path: string; fileName: string; format: ImportFormat | null; actor: string; cleanup?: string }): Promise<ImportJob> {
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
    const cleanup = input.cleanup ?? input.path;
    await this.persist(job, cleanup);
    this.queue.push({ job, path: input.path, cleanup });
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
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    for (const p of this.queue.splice(0)) {
      await this.finish(p.job, 'failed', null, { code: 'shutdown', message: 'The server shut down before this import started; upload it again.' });
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

  private async run(pending: Pending): Promise<void> {
    const { job, path, cleanup } = pending;
    this.current = pending;
    job.status = 'running';
    job.startedAt = new Date().toISOString();
    await this.persist(job, cleanup);
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
          void this.persist(job, cleanup);
        },
      });
      job.format = summary.format;
      job.progress = { rows: summary.rows, imported: summary.imported, updated: summary.updated, unchanged: summary.unchanged, conflicts: summary.conflicts, rejected: summary.rejected };
      await this.finish(job, 'done', summary, null);
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown; name?: unknown };
      const aborted = this.abort.signal.aborted;
      const userError = e?.name === 'InputError';
      if (!userError && !aborted) this.log.error({ err, job: job.id }, 'import job failed');
      await this.finish(job, 'failed', null, {
        code: aborted ? 'shutdown' : typeof e?.code === 'string' && userError ? e.code : 'import_failed',
        message: aborted
          ? 'The server shut down during this import; what was committed is kept, upload the file again to complete it.'
          : userError && typeof e.message === 'string'
            ? e.message
            : 'The import failed on our side; the log has the details.',
      });
    } finally {
      this.current = null;
      await rm(cleanup, { recursive: true, force: true }).catch(() => {});
    }
  }

  private async finish(job: ImportJob, status: 'done' | 'failed', summary: ImportSummary | null, error: ImportJob['error']): Promise<void> {
    job.status = status;
    job.summary = summary;
    job.error = error;
    job.finishedAt = new Date().toISOString();
    await this.persist(job, null);
    this.feed.publish(status === 'done' ? 'import.done' : 'import.failed', job);
    this.afterImport();
    this.forgetOld();
    await this.store.jobs.prune(KEEP_FINISHED).catch(() => {});
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status === 'done' || j.status === 'failed');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.id);
  }
}

