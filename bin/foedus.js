#!/usr/bin/env node
// The `foedus` command. It runs the compiled JavaScript in build/ (made by `npm run build`,
// which `npm ci` runs through the `prepare` script). Without a build, or with
// FOEDUS_FROM_SOURCE=1 (the tests set it, so they always run the sources as they are),
// it runs the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../build/cli/main.js', import.meta.url);
let entry;
if (process.env.FOEDUS_FROM_SOURCE !== '1' && existsSync(compiled)) {
  entry = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import('../src/cli/main.ts');
}
entry.endQuietlyWhenOutputCloses();
process.exitCode = await entry.main(process.argv);
