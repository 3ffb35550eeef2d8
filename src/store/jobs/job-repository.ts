import type { RepositoryContext } from '../store.ts';

/** A stored import job: its document (what GET /imports/{id} answers) and what the sweep and the queue need. */
export interface StoredJob {
  id: string;
  status: string;
  /** The job as JSON (src/server/jobs.ts ImportJob). */
  document: string;
  uploadDir: string | null;
  heartbeatAt: string;
  /** The server process running it (PostgreSQL), null when none does. */
  owner: string | null;
  /** The queue job that carries it (PostgreSQL, src/store/queue.ts). */
  queueJob: string | null;
  /** How many times a process started it. */
  attempts: number;
}

/** Import jobs of the server (migrations 011 and 013). */
export interface JobRepository {
  /**
   * Writes the job. A finished job (done, failed, interrupted) is never written again, and given an
   * `owner`, an existing row only while that process owns it: false when the row was kept as it was.
   */
  save(job: { id: string; status: string; document: string; uploadDir: string | null; createdAt: string; heartbeatAt: string }, owner?: string): Promise<boolean>;
  get(id: string): Promise<StoredJob | null>;
  /** Jobs in one of `statuses` (default: queued or running) whose process gave no sign of life since `before`. */
  stale(before: string, statuses?: readonly string[]): Promise<StoredJob[]>;
  /** Keeps the newest `keep` finished jobs. */
  prune(keep: number): Promise<void>;
  /** Records the queue job that carries the import job. */
  setQueueJob(id: string, queueJob: string): Promise<void>;
  /**
   * Takes the job for `owner`: only if it is queued, or running without a sign of life since `lostBefore`
   * (its process died). One process wins; the others get null.
   */
  claim(id: string, owner: string, lostBefore: string, now: string): Promise<StoredJob | null>;
  /** Puts a running job whose process died (no sign of life since `lostBefore`) back in the queue, with `document`; false when another process did first. */
  release(id: string, lostBefore: string, document: string, now: string): Promise<boolean>;
}

const UNFINISHED = ['queued', 'running'];

function toJob(r: Record<string, unknown>): StoredJob {
  return {
    id: String(r.id),
    status: String(r.status),
    document: String(r.document),
    uploadDir: (r.upload_dir as string | null) ?? null,
    heartbeatAt: String(r.heartbeat_at),
    owner: (r.owner as string | null) ?? null,
    queueJob: (r.queue_job as string | null) ?? null,
    attempts: Number(r.attempts ?? 0),
  };
}

export function jobRepository(ctx: RepositoryContext): JobRepository {
  const { db } = ctx;
  return {
    async save(j, owner) {
      const row = { id: j.id, status: j.status, document: j.document, upload_dir: j.uploadDir, created_at: j.createdAt, heartbeat_at: j.heartbeatAt };
      const r = await db
        .insertInto('import_job')
        .values(row)
        .onConflict((oc) => {
          const update = oc.column('id').doUpdateSet({ status: j.status, document: j.document, upload_dir: j.uploadDir, heartbeat_at: j.heartbeatAt }).where('import_job.status', 'in', UNFINISHED);
          return owner === undefined ? update : update.where('import_job.owner', '=', owner);
        })
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async get(id) {
      const r = await db.selectFrom('import_job').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toJob(r) : null;
    },
    async stale(before, statuses = UNFINISHED) {
      const rows = await db.selectFrom('import_job').selectAll().where('status', 'in', [...statuses]).where('heartbeat_at', '<', before).execute();
      return rows.map(toJob);
    },
    async prune(keep) {
      const old = await db.selectFrom('import_job').select('id').where('status', 'not in', UNFINISHED).orderBy('created_at', 'desc').offset(keep).limit(10_000).execute();
      if (old.length) await db.deleteFrom('import_job').where('id', 'in', old.map((r) => String(r.id))).execute();
    },
    async setQueueJob(id, queueJob) {
      await db.updateTable('import_job').set({ queue_job: queueJob }).where('id', '=', id).execute();
    },
    async claim(id, owner, lostBefore, now) {
      const r = await db
        .updateTable('import_job')
        .set((eb) => ({ status: 'running', owner, heartbeat_at: now, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', '<', lostBefore)])]))
        .returningAll()
        .executeTakeFirst();
      return r ? toJob(r) : null;
    },
    async release(id, lostBefore, document, now) {
      const r = await db
        .updateTable('import_job')
        .set({ status: 'queued', owner: null, document, heartbeat_at: now })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where('heartbeat_at', '<', lostBefore)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
