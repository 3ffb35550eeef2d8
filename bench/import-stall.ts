/**
 * `foedus import` into the SQLite file a server is using: how long do the server's requests wait?
 * The real server (`foedus serve --no-ui`) in a child process on a copy of a store, --clients loops of
 * GET requests (map counts and timelines, list pages, whole-store timeline and by-area, one after
 * another) and a writer recording --writes incidents a second, each request timed; then `foedus import`
 * of each --files file into the same file, one after the other. Worst and p99 latency before and
 * during the import, the errors, and the import's own time.
 *
 *   npx tsx bench/import-stall.ts --base bench/out/mixed-120000.db [--files data/ucdp/ged_mali.csv,…]
 *     [--clients 4] [--writes 2] [--before 10] [--unpaced]
 *
 * --base is a store bench/mixed.ts built (`npx tsx bench/mixed.ts --rows 120000 --store sqlite --build-only`:
 * it has the user `bench`), copied first (bench/out/import-stall.db), so every run imports the same rows into the same
 * store. The server says it uses the file (`<file>-server`), so the import commits in short transactions
 * (BESIDE_SERVER_PACE); --unpaced removes that marker once the server is up, and the import commits in
 * its large bulk batches as it did before (25,000 rows each).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { issueToken } from '../src/accounts/accounts.ts';
import { seededRandom } from '../src/store/incidents/fixtures.ts';
import { openStore } from '../src/store/store.ts';
import { arg, args } from './args.ts';
import { startServer, stopServer } from './serve.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BASE = arg('base', `${ROOT}bench/out/mixed-120000.db`);
const DB = `${ROOT}bench/out/import-stall.db`;
const FILES = arg('files', ['ged_mali.csv', 'ged_burkina_faso.csv', 'ged_niger_repaired.csv'].map((f) => `${ROOT}data/ucdp/${f}`).join(',')).split(',');
const CLIENTS = Number(arg('clients', '4'));
const WRITES = Number(arg('writes', '2'));
const BEFORE_S = Number(arg('before', '10'));
const UNPACED = args.includes('--unpaced');
const rnd = seededRandom(19);

async function token(): Promise<string> {
  const store = await openStore({ dialect: 'sqlite', path: DB });
  try {
    // The secretariat user bench/mixed.ts made in its stores.
    return (await issueToken(store, 'bench', 'bench', 'bench/import-stall.ts')).token;
  } finally {
    await store.close();
  }
}

const agent = new http.Agent({ keepAlive: true });

function send(port: number, auth: string, method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: `Bearer ${auth}` };
    if (data !== undefined) headers['content-type'] = 'application/json';
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
    req.on('error', reject);
    req.end(data);
  });
}

function read(): string {
  const lon = -8 + rnd() * 16, lat = 11 + rnd() * 8, w = 1 + rnd() * 6;
  const bbox = [lon, lat, lon + w, lat + w * 0.6].map((v) => v.toFixed(3)).join(',');
  return [
    `/api/v1/incidents/count?bbox=${bbox}`,
    `/api/v1/incidents/timeline?bbox=${bbox}&interval=month`,
    `/api/v1/incidents/clusters?bbox=${bbox}&zoom=7`,
    `/api/v1/incidents?bbox=${bbox}&limit=50`,
    `/api/v1/incidents/timeline?interval=month`,
    `/api/v1/incidents/by-area?level=admin1`,
  ][Math.floor(rnd() * 6)]!;
}

function incident() {
  return {
    date: `2026-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`,
    kind: 'armed_attack',
    location: { lat: Math.round((12 + rnd() * 8) * 1e4) / 1e4, lon: Math.round((-8 + rnd() * 16) * 1e4) / 1e4 },
    perpetrator: { type: 'non_state_armed_group', name: 'JNIM' },
    target: { type: 'armed_forces', country: 'MLI' },
    fatalities: Math.floor(rnd() * 20),
  };
}

type Sample = { at: number; ms: number; kind: 'read' | 'write'; ok: boolean };

function runImport(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/foedus.js', 'import', file, '--db', DB, '--progress', 'none'], { cwd: ROOT, env: { ...process.env, FOEDUS_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`foedus import exited ${code}`))));
  });
}

function report(name: string, xs: Sample[]): string {
  const line = (kind: 'read' | 'write') => {
    const s = xs.filter((x) => x.kind === kind);
    const ms = s.map((x) => x.ms).sort((a, b) => a - b);
    const p = (q: number) => (ms.length ? Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!) : NaN);
    return `| ${name} | ${kind}s | ${s.length} | ${p(0.5)} | ${p(0.99)} | ${ms.length ? Math.round(ms.at(-1)!) : NaN} | ${s.filter((x) => !x.ok).length} |`;
  };
  return `${line('read')}\n${line('write')}`;
}

async function main(): Promise<void> {
  for (const f of ['', '-wal', '-shm', '-server']) rmSync(DB + f, { force: true });
  copyFileSync(BASE, DB);
  const auth = await token();
  const server = await startServer(DB, { fromSource: true });
  if (UNPACED) rmSync(`${DB}-server`, { force: true });
  const samples: Sample[] = [];
  let running = true;
  const timed = async (kind: 'read' | 'write', go: () => Promise<number>) => {
    const at = performance.now();
    let ok = false;
    try {
      ok = (await go()) < 300;
    } catch {
      ok = false;
    }
    samples.push({ at, ms: performance.now() - at, kind, ok });
  };
  const readers = Array.from({ length: CLIENTS }, async () => {
    while (running) await timed('read', () => send(server.port, auth, 'GET', read()));
  });
  const writer = (async () => {
    while (running) {
      const next = performance.now() + 1000 / WRITES;
      await timed('write', () => send(server.port, auth, 'POST', '/api/v1/incidents', { incident: incident(), notes: 'bench' }));
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
  })();
  await new Promise((r) => setTimeout(r, BEFORE_S * 1000));
  const t0 = performance.now();
  for (const f of FILES) await runImport(f);
  const t1 = performance.now();
  running = false;
  await Promise.all([...readers, writer]);
  await stopServer(server);
  const out = [
    `import of ${FILES.length} file(s) into ${BASE.replace(ROOT, '')} beside the server, ${UNPACED ? 'unpaced (25,000-row batches)' : 'paced (BESIDE_SERVER_PACE)'}: ${((t1 - t0) / 1000).toFixed(1)} s`,
    '',
    '| phase | requests | n | p50 ms | p99 ms | max ms | errors |',
    '|---|---|---:|---:|---:|---:|---:|',
    report(`before (${BEFORE_S} s)`, samples.filter((s) => s.at < t0)),
    report('during the import', samples.filter((s) => s.at >= t0 && s.at < t1)),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
