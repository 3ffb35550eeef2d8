#!/usr/bin/env node
// `npm run bench [-- NAME…]`: runs the benchmarks one after another (they share
// the machine's two cores, so never in parallel) and prints each one's figures
// beside the peer it is compared with. Latest figures: docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = ['engine', 'import', 'store-queries', 'server', 'mixed'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : all;
let failed = 0;
for (const name of names) {
  const file = `bench/${name}.ts`;
  if (!existsSync(file)) {
    console.error(`bench: no ${file} (choose from: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
