import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database.ts';
import { IncidentRepository } from './repository.ts';
import type { ReadAnswer, ReadCall, ReadWorkerData } from './read-workers.ts';

/**
 * A read worker (read-workers.ts): its own connection to the server's SQLite file, answering the
 * incident repository's whole-area reads with the repository's own methods. They run here in-process
 * (this Database has no read workers of its own, and its gate is `ungated`).
 *
 * No migrations: the main thread ran them before starting the workers. The connection is query_only,
 * so a read can never write the file behind the main thread's back.
 */

const { path } = workerData as ReadWorkerData;
const database = openDatabase({ dialect: 'sqlite', path });
const incidents = new IncidentRepository({ db: database.db, database, inTransaction: false });
if (database.dialect === 'sqlite') database.raw.pragma('query_only = ON');

const reads: Record<ReadCall['method'], (args: any[]) => Promise<unknown>> = {
  count: ([filter]) => incidents.count(filter),
  timeline: ([filter, bucket]) => incidents.timeline(filter, bucket),
  byArea: ([filter, level]) => incidents.byArea(filter, level),
  clusters: ([q]) => incidents.clusters(q),
  clustersByArticle: ([q, charter, articles]) => incidents.clustersByArticle(q, charter, articles),
};

parentPort!.on('message', (call: ReadCall) => {
  void answer(call).then((a) => parentPort!.postMessage(a));
});

async function answer({ id, method, args }: ReadCall): Promise<ReadAnswer> {
  try {
    const read = reads[method];
    if (!read) throw new Error(`unknown read "${String(method)}"`);
    return { id, ok: true, value: await read(args) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const { code, where } = e as { code?: unknown; where?: unknown };
    return {
      id,
      ok: false,
      error: { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}), ...(typeof where === 'string' ? { where } : {}) },
    };
  }
}
