import pLimit from 'p-limit';

/**
 * How many whole-area reads (the map's clusters and counts, timelines, counts by area) one process
 * runs on PostgreSQL at once. The others wait their turn here, in memory, not in the connection pool.
 *
 * Why: at a million incidents some of these read tens of thousands of rows (a large viewport with a
 * filter no tally answers) and take seconds. Under 200 users they took all ten pooled connections,
 * and every other request (signing in, an incident page, a write) waited 5 s for one and got 503
 * store_unavailable (docs/benchmarks.md, "The operations-centre mix"). With the gate, they can hold
 * at most a third of the pool; the rest stays free for the requests a duty officer waits on.
 *
 * SQLite needs no gate: its one connection runs one statement at a time anyway, and a server's whole-area
 * reads run in its few read workers (incidents/read-workers.ts), as many at once as there are workers.
 */
export type AggregateGate = <T>(read: () => Promise<T>) => Promise<T>;

export function aggregateGate(poolSize: number): AggregateGate {
  const limit = pLimit(Math.max(1, Math.floor(poolSize / 3)));
  return (read) => limit(read);
}

/** No gate (SQLite, and reads inside a transaction, which already hold their connection). */
export const ungated: AggregateGate = (read) => read();
