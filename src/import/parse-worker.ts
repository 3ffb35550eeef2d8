import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.ts';
import { readerFor } from './readers.ts';
import { staged } from './stage.ts';
import type { ImportFormat, StagedItem } from './types.ts';

/**
 * Worker side of the parallel parser (see worker.ts): reads the file, parses
 * and maps it with the format's reader, prepares the records for the store
 * (JSON, content hash, folded text: plain strings, cheap to post), and posts
 * the items in chunks. It may
 * run at most `window` chunks ahead of the importer, which sends "more" for
 * each chunk it takes: the file is read only as fast as the store writes
 * (backpressure), so memory stays constant.
 */

export interface ParseWorkerData {
  path: string;
  file: string;
  format: ImportFormat;
  /** ISO time for the mappers' stamps. */
  now: string;
  chunkSize: number;
  window: number;
}

export type ParseWorkerMessage =
  | { type: 'items'; items: StagedItem[]; bytesRead: number }
  | { type: 'end'; bytesRead: number }
  | { type: 'fatal'; error: { name: string; message: string; code?: string; errno?: string } };

const port = parentPort!;
const data = workerData as ParseWorkerData;
let credits = data.window;
let wake: (() => void) | null = null;
port.on('message', (m: unknown) => {
  if (m === 'more') {
    credits++;
    wake?.();
    wake = null;
  }
});

const stream = createReadStream(data.path, { highWaterMark: 256 * 1024 });

async function send(items: StagedItem[]): Promise<void> {
  while (credits <= 0) await new Promise<void>((r) => (wake = r));
  credits--;
  port.postMessage({ type: 'items', items, bytesRead: stream.bytesRead } satisfies ParseWorkerMessage);
}

try {
  let buf: StagedItem[] = [];
  for await (const item of staged(readerFor(data.format)(stream, { file: data.file, now: () => new Date(data.now) }))) {
    buf.push(item);
    if (buf.length >= data.chunkSize) {
      await send(buf);
      buf = [];
    }
  }
  if (buf.length) await send(buf);
  port.postMessage({ type: 'end', bytesRead: stream.bytesRead } satisfies ParseWorkerMessage);
} catch (err) {
  const e = err as Error & { code?: string };
  port.postMessage({
    type: 'fatal',
    error: { name: err instanceof InputError ? 'InputError' : e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) },
  } satisfies ParseWorkerMessage);
} finally {
  port.close();
}
