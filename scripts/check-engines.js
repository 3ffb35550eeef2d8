#!/usr/bin/env node
// Lists every package of package-lock.json whose `engines.node` excludes a Node version:
// by default the one running this script and the lowest one package.json's `engines.node`
// allows (so `npm ci` prints no EBADENGINE warning on the Node the README names).
// Run: node scripts/check-engines.js [VERSION …]   exit 1 when a package excludes one of them.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));

const versions = process.argv.slice(2);
if (versions.length === 0) {
  versions.push(process.versions.node);
  const lowest = pkg.engines?.node ? semver.minVersion(pkg.engines.node)?.version : undefined;
  if (lowest && lowest !== process.versions.node) versions.push(lowest);
}

let bad = 0;
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  const range = entry.engines?.node;
  if (!path || typeof range !== 'string') continue;
  const excluded = versions.filter((v) => !semver.satisfies(v, range, { includePrerelease: true }));
  if (excluded.length === 0) continue;
  bad++;
  const kind = entry.dev ? 'dev' : entry.optional ? 'optional' : 'prod';
  console.log(`${path.replace(/^.*node_modules\//, '')}@${entry.version}  engines.node "${range}"  excludes ${excluded.join(', ')}  (${kind}; ${path})`);
}
console.log(bad === 0 ? `Every package accepts Node ${versions.join(' and ')}.` : `${bad} package(s) exclude Node ${versions.join(' or ')}.`);
process.exitCode = bad === 0 ? 0 : 1;
