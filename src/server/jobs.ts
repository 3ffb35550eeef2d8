import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { runImport } from '../import/pipeline.ts';
import type { ImportFormat, ImportOptions, ImportProgress, ImportSummary } from '../import/types.ts';
import type { StoredJob } from '../store/jobs/job-repository.ts';
import type { WorkQueue } from '../store/queue.ts';
import type { Store } from '../store/store.ts';
import type { Feed } from './feed.ts';

/**
 * Import jobs of the server: an upload becomes a job that runs in the background, one at a time per
 * process (imports share the store's write lock and the machine's cores; the others wait queued),
 * reporting committed progress on the live feed.
 *
 * Each job is kept in the store (migrations 011, 013), so its status survives a restart and any server
 * process on the store answers for it. The process running a job beats a heartbeat.
 * - SQLite (one process): the queue is in memory; at start, every job left queued or running belongs
 *   to a server that is gone and becomes `interrupted`, its upload deleted.
 * - PostgreSQL (several processes): the queue is pg-boss (src/store/queue.ts), which hands each job
 *   to one process; the import_job row stays the record users read. The uploads lie in
 *   FOEDUS_UPLOAD_DIR, shared by all processes. A running job without a heartbeat for LOST_BEATS
 *   beats (its process was killed) is handed back to the queue, and the process that takes it
 *   resumes after the batches already committed (their ledger entries name the job: src/import/resume.ts),
 *   so the job ends with the counts of one uninterrupted run. After RETRY_LIMIT such retries it is
 *   `interrupted`. A process that finds its job taken over (it stalled past the limit) stops it.
 * What an interrupted import committed stays: importing the file again completes it.
 */

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted';

/**
 * How often the running process says its jobs are alive (default; FOEDUS_IMPORT_HEARTBEAT_SECONDS), and
 * after how many missed beats they are not (another process then takes over, or they are interrupted).
 */
export const HEARTBEAT_MS = 10_000;
export const LOST_BEATS = 6;
/** The queue of import jobs on PostgreSQL. */
export const IMPORT_QUEUE = 'foedus-import';

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
  /** What to delete when the job ends (the upload's folder). */
  cleanup: string;
}

export type ImportRunner = (opts: ImportOptions) => Promise<ImportSummary>;

/** How many finished jobs are remembered. */
const KEEP_FINISHED = 200;
const NO_PROGRESS: JobProgress = { rows: 0, imported: 0, updated: 0, unchanged: 0, conflicts: 0, rejected: 0 };

/** Thrown by a PostgreSQL job stopped by a shutdown: the queue gives it to another process. */
class HandedBack extends Error {}

/** The heartbeat of the import jobs: FOEDUS_IMPORT_HEARTBEAT_SECONDS, else HEARTBEAT_MS. */
export function heartbeatFromEnv(): number {
  const s = Number(process.env.FOEDUS_IMPORT_HEARTBEAT_SECONDS);
  return Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : HEARTBEAT_MS;
}

export class ImportJobs {
  /** This process, as the owner of the jobs it runs (PostgreSQL): host and pid tell an operator which process it is. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** SQLite: the jobs of this process. PostgreSQL: only the one running here (the store has the rest). */
  private readonly jobs = new Map<string, ImportJob>();
  /** SQLite: the jobs waiting their turn. */
  private readonly local: Pending[] = [];
  /** PostgreSQL: the shared queue. */
  private queue: WorkQueue<{ id: string }> | null = null;
  /** PostgreSQL: the jobs sent from here, until they end (wherever they run): what `idle` waits for. */
  private readonly sent = new Set<string>();
  private running: Promise<void> | null = null;
  private current: Pending | null = null;
  /** Stops the job running here when another process took it over (this one stalled past the limit). */
  private takenOver: AbortController | null = null;
  private readonly abort = new AbortController();
  /** The job's writes to the store, one after the other: a late progress write must not land after `done`. */
  private saving: Promise<unknown> = Promise.resolve();
  private closed = false;
  private beat: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly feed: Feed,
    private readonly log: FastifyBaseLogger,
    private readonly runner: ImportRunner = runImport,
    /** Called after every import, done or failed (its committed batches are in the store either way). */
    private readonly afterImport: () => void = () => {},
    private readonly heartbeatMs: number = HEARTBEAT_MS,
  ) {}

  /** Jobs whose process gave no sign of life since this moment are lost. */
  private lostBefore(): string {
    return new Date(Date.now() - LOST_BEATS * this.heartbeatMs).toISOString();
  }

  private get shared(): boolean {
    return this.store.dialect === 'postgres';
  }

  /** A job of this process, or of any process on the store (also one that ended before a restart). */
  async get(id: string): Promise<ImportJob | undefined> {
    const mine = this.jobs.get(id);
    if (mine) return mine;
    const stored = await this.store.jobs.get(id);
    return stored ? (JSON.parse(stored.document) as ImportJob) : undefined;
  }

  /**
   * Called when the server is ready. SQLite: the jobs left by a server that is gone become interrupted.
   * PostgreSQL: this process takes jobs from the shared queue. Then at every heartbeat it keeps its
   * jobs alive and (PostgreSQL) hands back those of dead processes.
   */
  async start(): Promise<void> {
    if (this.shared) {
      this.queue = this.store.queue<{ id: string }>(IMPORT_QUEUE, (err) => this.log.warn({ err }, 'import queue error'));
      await this.queue!.start((j) => this.runQueued(j.data.id));
      await this.sweepShared();
    } else {
      for (const s of await this.store.jobs.stale(new Date().toISOString())) await this.interrupt(s);
    }
    this.beat = setInterval(() => {
      void this.heartbeat()
        .then(() => (this.shared ? this.sweepShared() : undefined))
        .catch((err: unknown) => this.log.warn({ err }, 'import jobs heartbeat failed'));
    }, this.heartbeatMs);
    this.beat.unref();
  }

  /** Marks a job whose process is gone as interrupted and deletes its upload. */
  private async interrupt(s: StoredJob): Promise<void> {
    const job = JSON.parse(s.document) as ImportJob;
    job.status = 'interrupted';
    job.finishedAt = new Date().toISOString();
    job.error = { code: 'interrupted', message: 'The server stopped during this import; what was committed is kept. Import the file again to complete it (rows already in are counted as unchanged).' };
    if (s.uploadDir) await rm(s.uploadDir, { recursive: true, force: true }).catch(() => {});
    await this.store.jobs.save({ id: job.id, status: job.status, document: JSON.stringify(job), uploadDir: null, createdAt: job.createdAt, heartbeatAt: job.finishedAt });
    this.log.warn({ job: job.id }, 'import job interrupted: its server stopped');
  }

  /**
   * PostgreSQL: a running job without a heartbeat goes back to the queue (one process wins the
   * release); a queued one whose queue job is gone (its server died before sending it, or it used its
   * retries) is interrupted.
   */
  private async sweepShared(): Promise<void> {
    const lost = this.lostBefore();
    for (const s of await this.store.jobs.stale(lost)) {
      if (this.jobs.has(s.id)) continue;
      if (s.status === 'running') {
        const job = JSON.parse(s.document) as ImportJob;
        job.status = 'queued';
        if (!(await this.store.jobs.release(s.id, lost, JSON.stringify(job), new Date().toISOString()))) continue;
        if (s.queueJob && (await this.queue!.retry(s.queueJob))) {
          this.log.warn({ job: s.id }, 'import job handed back to the queue: its server stopped');
          continue;
        }
      } else if (s.queueJob && (await this.queue!.pending(s.queueJob))) {
        continue;
      }
      await this.interrupt(s);
    }
  }

  private async heartbeat(): Promise<void> {
    for (const p of this.local) await this.persist(p.job, p.cleanup);
    const current = this.current;
    if (current && !(await this.persist(current.job, current.cleanup)) && this.shared) {
      // The row is no longer this process's: another took the job over while this one stalled.
      this.log.warn({ job: current.job.id }, 'import job taken over by another server process: stopping it here');
      this.takenOver?.abort();
    }
  }

  /**
   * Writes the job to the store, after the writes before it. On PostgreSQL a running job's row is
   * written only while this process owns it, and a finished job's row is never written again: false
   * when the store kept its row. A store that cannot be written to must not stop the import (it is
   * retried at the next beat): true then.
   */
  private persist(job: ImportJob, uploadDir: string | null): Promise<boolean> {
    const row = { id: job.id, status: job.status, document: JSON.stringify(job), uploadDir, createdAt: job.createdAt, heartbeatAt: new Date().toISOString() };
    const owner = this.shared && this.current?.job === job ? this.owner : undefined;
    const write = this.saving.then(() => this.store.jobs.save(row, owner)).catch((err: unknown) => {
      this.log.warn({ err, job: job.id }, 'could not save the import job');
      return true;
    });
    this.saving = write;
    return write;
  }

  /** Queues the import of `path` (an upload the queue now owns, in the folder `cleanup`). */
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
      progress: { ...NO_PROGRESS },
      summary: null,
      error: null,
    };
    const cleanup = input.cleanup ?? input.path;
    if (this.shared) {
      if (!this.queue) throw new Error('the import queue is not started');
      await this.store.jobs.save({ id: job.id, status: job.status, document: JSON.stringify(job), uploadDir: cleanup, createdAt: job.createdAt, heartbeatAt: job.createdAt });
      try {
        await this.store.jobs.setQueueJob(job.id, await this.queue.send({ id: job.id }));
      } catch (err) {
        await this.finish(job, 'failed', null, { code: 'import_failed', message: 'The import could not be queued; upload the file again.' });
        await rm(cleanup, { recursive: true, force: true });
        throw err;
      }
      this.sent.add(job.id);
    } else {
      this.jobs.set(job.id, job);
      await this.persist(job, cleanup);
      this.local.push({ job, path: input.path, cleanup });
      this.pump();
    }
    this.feed.publish('import.queued', { id: job.id, status: job.status, file: job.file });
    return job;
  }

  /** Resolves when nothing is queued or running here (SQLite), or when every job sent from here has ended, wherever it ran (PostgreSQL; tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
    while (this.sent.size > 0 && !this.closed) {
      for (const id of this.sent) {
        const s = await this.store.jobs.get(id);
        if (!s || !['queued', 'running'].includes(s.status)) this.sent.delete(id);
      }
      if (this.sent.size > 0) await new Promise((r) => setTimeout(r, 50));
    }
    while (this.running) await this.running;
  }

  /**
   * Stops taking jobs and aborts the running one (its committed batches stay). SQLite: the queued ones
   * fail (upload them again). PostgreSQL: the running one goes back to the queue for another process,
   * and the queued ones stay queued.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    for (const p of this.local.splice(0)) {
      await this.finish(p.job, 'failed', null, { code: 'shutdown', message: 'The server shut down before this import started; upload it again.' });
      await rm(p.cleanup, { recursive: true, force: true });
    }
    this.abort.abort();
    while (this.running) await this.running;
    await this.queue?.stop();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.local.shift();
    if (!next) return;
    this.running = this.run(next, false, false)
      .catch(() => {})
      .finally(() => {
        this.running = null;
        this.pump();
      });
  }

  /** PostgreSQL: a job from the queue, run here if this process wins it (another may run it, or it may have ended). */
  private async runQueued(id: string): Promise<void> {
    if (this.closed) throw new HandedBack('this server is shutting down');
    const s = await this.store.jobs.claim(id, this.owner, this.lostBefore(), new Date().toISOString());
    if (!s) return;
    const job = JSON.parse(s.document) as ImportJob;
    const resume = s.attempts > 1;
    if (resume) {
      job.progress = { ...NO_PROGRESS };
      this.log.warn({ job: id, attempt: s.attempts }, 'import job taken over: it resumes after its committed batches');
    }
    const dir = s.uploadDir ?? '';
    const file = dir ? (await readdir(dir).catch(() => []))[0] : undefined;
    if (!file) {
      // Taken by a process that does not see the folder the upload was saved in.
      this.log.error({ job: id, uploadDir: dir }, 'import job: its upload is not in this process\'s FOEDUS_UPLOAD_DIR; every server process must use the same folder');
      await this.finish(job, 'failed', null, { code: 'upload_missing', message: 'The uploaded file was not found by the server process that took the job: every process must share one upload folder (FOEDUS_UPLOAD_DIR). Upload the file again.' });
      return;
    }
    const pending = { job, path: join(dir, file), cleanup: dir };
    const run = this.run(pending, true, resume);
    this.running = run.catch(() => {});
    try {
      await run;
    } finally {
      this.running = null;
    }
  }

  private async run(pending: Pending, shared: boolean, resume: boolean): Promise<void> {
    const { job, path, cleanup } = pending;
    this.current = pending;
    const takenOver = new AbortController();
    this.takenOver = takenOver;
    this.jobs.set(job.id, job);
    job.status = 'running';
    job.startedAt = new Date().toISOString();
    await this.persist(job, cleanup);
    this.feed.publish('import.progress', { id: job.id, status: job.status, progress: job.progress });
    let handedBack = false;
    try {
      const summary = await this.runner({
        source: path,
        fileName: job.file,
        ...(job.format ? { format: job.format } : {}),
        store: this.store,
        strict: false,
        actor: job.actor,
        signal: AbortSignal.any([this.abort.signal, takenOver.signal]),
        job: { id: job.id, resume },
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
      if (takenOver.signal.aborted && !this.abort.signal.aborted) {
        // Another process runs it now and owns its row and upload: leave both alone.
        handedBack = true;
        return;
      }
      const aborted = this.abort.signal.aborted;
      if (aborted && shared) {
        // Shutdown on PostgreSQL: the job goes back to the queue (the throw below makes pg-boss retry it) and keeps its upload.
        handedBack = true;
        job.status = 'queued';
        await this.persist(job, cleanup);
        this.log.warn({ job: job.id }, 'import job handed back to the queue: this server is shutting down');
        throw new HandedBack('this server shut down during the import');
      }
      const e = err as { code?: unknown; message?: unknown; name?: unknown };
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
      this.takenOver = null;
      if (shared) this.jobs.delete(job.id);
      if (!handedBack) await rm(cleanup, { recursive: true, force: true }).catch(() => {});
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
