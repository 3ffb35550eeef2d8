import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.ts';
import type { ParseWorkerData, ParseWorkerMessage } from './parse-worker.ts';
import type { ImportFormat, StagedItem } from './types.ts';

/**
 * Parsing in a worker thread: on a file, the reader (read + parse + map) runs
 * in a worker while this thread writes to the store, so a large import uses
 * both cores instead of parsing and writing in turn. Items come back in
 * chunks; the worker may run only `window` chunks ahead (backpressure).
 *
 * Compiled (build/, production), the worker loads the compiled parse-worker.js.
 * From the sources (tests, development), it runs them through tsx, registered
 * inside the worker (hooks registered in this thread do not reach workers).
 */

const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = new URL(COMPILED ? './parse-worker.js' : './parse-worker.ts', import.meta.url);
const BOOT = COMPILED
  ? null
  : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(ENTRY.href)}); });`;

export interface WorkerReader {
  items: AsyncIterable<StagedItem>;
  bytesRead(): number;
}

export function readInWorker(opts: { path: string; file: string; format: ImportFormat; now: Date; chunkSize?: number; window?: number }): WorkerReader {
  let bytes = 0;
  async function* items(): AsyncGenerator<StagedItem> {
    const data: ParseWorkerData = {
      path: opts.path,
      file: opts.file,
      format: opts.format,
      now: opts.now.toISOString(),
      chunkSize: opts.chunkSize ?? 500,
      window: opts.window ?? 4,
    };
    const worker = BOOT ? new Worker(BOOT, { eval: true, workerData: data }) : new Worker(ENTRY, { workerData: data });
    const queue: ParseWorkerMessage[] = [];
    let failure: Error | null = null;
    let exited = false;
    let notify: (() => void) | null = null;
    const poke = () => {
      notify?.();
      notify = null;
    };
    worker.on('message', (m: ParseWorkerMessage) => {
      queue.push(m);
      poke();
    });
    worker.on('error', (e) => {
      failure = e;
      poke();
    });
    worker.on('exit', () => {
      exited = true;
      poke();
    });
    try {
      for (;;) {
        while (!queue.length && !failure && !exited) await new Promise<void>((r) => (notify = r));
        const m = queue.shift();
        if (!m) throw failure ?? new Error('the parser worker stopped before the end of the file');
        if (m.type === 'items') {
          worker.postMessage('more');
          bytes = m.bytesRead;
          yield* m.items;
        } else if (m.type === 'end') {
          bytes = m.bytesRead;
          return;
        } else {
          const e = m.error;
          if (e.name === 'InputError') throw new InputError(e.message, { ...(e.code ? { code: e.code } : {}) });
          throw Object.assign(new Error(e.message), { name: e.name, ...(e.code ? { code: e.code } : {}) });
        }
      }
    } finally {
      await worker.terminate();
    }
  }
  return { items: items(), bytesRead: () => bytes };
}
