import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Database } from './database.ts';

/**
 * A durable work queue shared by the server processes on one PostgreSQL: pg-boss (its tables in the
 * schema `<store schema>_queue`, made on first start). A job is fetched by one process at a time
 * (SKIP LOCKED); one whose handler fails, or whose process is stopped, is retried after RETRY_DELAY_S
 * by any process, up to RETRY_LIMIT times. pg-boss has no heartbeat of its own (its expiry is the only
 * sign that a process died, and an import may run long), so the import jobs keep theirs
 * (src/server/jobs.ts) and hand a dead process's job back with `retry`. None on SQLite: Foedus is
 * then one process, and its jobs run from memory.
 */

export const RETRY_LIMIT = 3;
const RETRY_DELAY_S = 2;
/** A backstop only (the heartbeat finds a dead process within a minute); pg-boss allows less than 24 hours. */
const EXPIRE_S = 23 * 3600;

export interface QueueJob<T> {
  id: string;
  data: T;
}

export interface WorkQueue<T extends object> {
  /** Makes the queue's tables (first time), starts pg-boss's maintenance and, given a handler, takes jobs one at a time. */
  start(handler?: (job: QueueJob<T>) => Promise<void>): Promise<void>;
  /** Queues `data`; returns the queue job's id. */
  send(data: T): Promise<string>;
  /**
   * Hands a job back to the queue (its process died): it is retried by any process. False when it
   * cannot be (it ended, or used its retries).
   */
  retry(id: string): Promise<boolean>;
  /** Whether the job still waits or runs (created, retry or active). */
  pending(id: string): Promise<boolean>;
  /** Stops taking jobs, waits up to `timeoutMs` for the one under way, then returns it to the queue. */
  stop(timeoutMs?: number): Promise<void>;
}

export function queueSchema(storeSchema: string | undefined): string {
  return `${storeSchema ?? 'foedus'}_queue`;
}

/**
 * `oneAtATime` runs its function while no other process runs it for this queue (store.ts gives a
 * transaction holding the store's named lock).
 */
export function workQueue<T extends object>(database: Database, name: string, onError: (err: unknown) => void, oneAtATime: (fn: () => Promise<void>) => Promise<void>): WorkQueue<T> | null {
  if (database.dialect !== 'postgres') return null;
  const pool = database.raw as pg.Pool;
  const config = database.config as { schema?: string };
  const boss = new PgBoss({
    // The store's own pool: pg-boss names its schema in every statement, so the pool's search_path does not matter.
    db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
    schema: queueSchema(config.schema),
    // Completed and failed jobs are the import_job rows' business: pg-boss keeps its own a day.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 1,
  });
  boss.on('error', onError);
  return {
    async start(handler) {
      // Processes starting together would make the queue's tables and row at once, and pg-boss's
      // createQueue then deadlocks (seen with two servers on a fresh database): one at a time.
      await oneAtATime(async () => {
        await boss.start();
        await boss.createQueue(name, { name, retryLimit: RETRY_LIMIT, retryDelay: RETRY_DELAY_S, expireInSeconds: EXPIRE_S });
      });
      if (handler) {
        await boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
          if (job) await handler({ id: job.id, data: job.data });
        });
      }
    },
    async send(data) {
      const id = await boss.send(name, data);
      if (!id) throw new Error(`the ${name} queue refused a job`);
      return id;
    },
    async retry(id) {
      await boss.fail(name, id, { reason: 'its server process stopped' });
      return this.pending(id);
    },
    async pending(id) {
      const job = await boss.getJobById(name, id);
      return job !== null && (job.state === 'created' || job.state === 'retry' || job.state === 'active');
    },
    async stop(timeoutMs = 10_000) {
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
    },
  };
}
