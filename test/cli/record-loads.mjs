// Loaded with `node --import` by test/cli/lazy.test.ts: appends the URL of every module
// the process resolves to the file named by FOEDUS_RECORD_LOADS, one a line.
// On the main thread it registers itself as a module hook; the hook runs on Node's hooks thread.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.FOEDUS_RECORD_LOADS) appendFileSync(process.env.FOEDUS_RECORD_LOADS, `${result.url}\n`);
  return result;
}
