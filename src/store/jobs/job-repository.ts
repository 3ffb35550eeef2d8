import type { RepositoryContext } from '../store.ts';

/** A stored import job: its document (what GET /imports/{id} answers) and what the sweep needs. */
export interface StoredJob {
  id: string;
  status: string;
  /** The job as JSON (src/server/jobs.ts ImportJob). */
  document: string;
  uploadDir: string | null;
  heartbeatAt: string;
}

/** Import jobs of the server (migration 011). */
export interface JobRepository {
  save(job: { id: string; status: string; document: string; uploadDir: string | null; createdAt: string; heartbeatAt: string }): Promise<void>;
  get(id: string): Promise<StoredJob | null>;
  /** Jobs still queued or running whose process gave no sign of life since `before`. */
  stale(before: string): Promise<StoredJob[]>;
  /** Keeps the newest `keep` finished jobs. */
  prune(keep: number): Promise<void>;
}

const UNFINISHED = ['queued', 'running'];

function toJob(r: Record<string, unknown>): StoredJob {
  return { id: String(r.id), status: String(r.status), document: String(r.document), uploadDir: (r.upload_dir as string | null) ?? null, heartbeatAt: String(r.heartbeat_at) };
}

export function jobRepository(ctx: RepositoryContext): JobRepository {
  const { db } = ctx;
  return {
    async save(j) {
      const row = { id: j.id, status: j.status, document: j.document, upload_dir: j.uploadDir, created_at: j.createdAt, heartbeat_at: j.heartbeatAt };
      await db
        .insertInto('import_job')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ status: j.status, document: j.document, upload_dir: j.uploadDir, heartbeat_at: j.heartbeatAt }))
        .execute();
    },
    async get(id) {
      const r = await db.selectFrom('import_job').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toJob(r) : null;
    },
    async stale(before) {
      const rows = await db.selectFrom('import_job').selectAll().where('status', 'in', UNFINISHED).where('heartbeat_at', '<', before).execute();
      return rows.map(toJob);
    },
    async prune(keep) {
      const old = await db.selectFrom('import_job').select('id').where('status', 'not in', UNFINISHED).orderBy('created_at', 'desc').offset(keep).limit(10_000).execute();
      if (old.length) await db.deleteFrom('import_job').where('id', 'in', old.map((r) => String(r.id))).execute();
    },
  };
}
