import { Worker } from 'node:worker_threads';
import { InputError } from '../../errors.ts';

/**
 * The incident repository's whole-area reads (count, timeline, byArea, clusters, clustersByArticle) of a
 * SQLite server, run in worker threads, each with its own read connection to the same file.
 *
 * Why: better-sqlite3 is synchronous, so a query runs on the thread that asks it. At a million incidents
 * a map aggregate over a large viewport with a filter no tally answers takes 0.3–3 s, and on the server's
 * one event loop nobody else was answered meanwhile (under 200 users the loop was 90 % busy and requests
 * timed out). In a worker the main thread only waits for a message; WAL lets these readers run beside
 * the main thread's writer, each seeing the last committed state.
 *
 * A call is `{ id, method, args }` (plain JSON-able data both ways); it goes to the worker with the fewest
 * calls pending. A worker that dies rejects its pending calls and is replaced when the next call comes
 * (not at once, so a worker that cannot start is not restarted in a loop). Idle workers are unref'd, so
 * they never keep a process alive by themselves; `close()` terminates them.
 */

export type ReadMethod = 'count' | 'timeline' | 'byArea' | 'clusters' | 'clustersByArticle';

export interface ReadCall {
  id: number;
  method: ReadMethod;
  args: unknown[];
}

export type ReadAnswer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; where?: string } };

/** What the worker is started with (workerData). */
export interface ReadWorkerData {
  path: string;
}

interface Pending {
  method: ReadMethod;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** The worker's uncaught error, if it had one: said in the rejection of its pending calls. */
  failure: Error | null;
}

export class ReadWorkers {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  /** `path`: the SQLite file (already migrated by the main thread); `size`: how many workers. */
  constructor(
    private readonly path: string,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`read workers: size must be a whole number from 1, not ${size}`);
    // Started now, so their module loading and connection are done before the first map request.
    for (let k = 0; k < size; k++) this.slots.push(this.start());
  }

  /** Runs `method(...args)` of the IncidentRepository in a worker. */
  call<T>(method: ReadMethod, args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed: no more reads'));
    while (this.slots.length < this.size) this.slots.push(this.start());
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      try {
        slot.worker.postMessage({ id, method, args } satisfies ReadCall);
      } catch (err) {
        // Arguments that cannot be cloned (a function, say): a bug of the caller, said as such.
        reject(new Error(`read ${method}: its arguments cannot be sent to a read worker: ${(err as Error).message}`));
        return;
      }
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** The workers running now (tests stop one to see the pool survive it). */
  get workers(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** Terminates the workers; calls still pending reject. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private start(): Slot {
    const worker = new Worker(...workerScript(this.path));
    const slot: Slot = { worker, pending: new Map(), failure: null };
    worker.unref();
    worker.on('message', (a: ReadAnswer) => {
      const p = slot.pending.get(a.id);
      if (!p) return;
      slot.pending.delete(a.id);
      if (slot.pending.size === 0) worker.unref();
      if (a.ok) p.resolve(a.value);
      else p.reject(rebuildError(a.error));
    });
    worker.on('error', (err) => {
      slot.failure = err;
    });
    worker.on('exit', (code) => {
      const k = this.slots.indexOf(slot);
      if (k >= 0) this.slots.splice(k, 1);
      const why = this.closed ? 'the store was closed' : slot.failure ? `it failed: ${slot.failure.message}` : `it exited with code ${code}`;
      for (const p of slot.pending.values()) p.reject(new Error(`the read worker running ${p.method} stopped before answering (${why})`));
      slot.pending.clear();
    });
    return slot;
  }
}

/**
 * The worker to start, as Worker's arguments. Built (build/, `rewriteRelativeImportExtensions`) this module
 * is a .js file beside read-worker.js. From the sources (tsx: `FOEDUS_FROM_SOURCE=1`, vitest) it is a .ts
 * file, and a worker does not inherit the tsx loader of its parent thread: a small bootstrap registers tsx
 * in the worker first, then imports read-worker.ts.
 */
function workerScript(path: string): [string | URL, { eval?: boolean; workerData: ReadWorkerData }] {
  const workerData: ReadWorkerData = { path };
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
  const entry = new URL(`./read-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return [entry, { workerData }];
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return [boot, { eval: true, workerData }];
}

/**
 * The worker's error on this thread: an InputError stays one (same message, code and place), so the
 * HTTP layer still answers 400 with the reason; any other becomes an Error with its message.
 */
function rebuildError(e: { name: string; message: string; code?: string; where?: string }): Error {
  if (e.name !== 'InputError') return new Error(e.message);
  const prefix = e.where ? `${e.where}: ` : '';
  const message = prefix && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return new InputError(message, { ...(e.code ? { code: e.code } : {}), ...(e.where ? { where: e.where } : {}) });
}
