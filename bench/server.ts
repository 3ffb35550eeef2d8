/**
 * HTTP benchmark of the Foedus server: the real server (`foedus serve`) in a child process on
 * 127.0.0.1, against a SQLite store of --rows generated UCDP incidents, loaded by wrk
 * (Debian package `wrk`) endpoint by endpoint:
 *
 * - assess: POST /api/v1/assess (an incident → the charter engine's assessment), bearer token;
 * - list:   GET /api/v1/incidents?bbox=… (first page of 100, newest first), a different map
 *           viewport over Mali / Burkina Faso / Niger per request, bearer token.
 *
 * For each endpoint and each connection count (--connections, default 1,50: one client at a time
 * gives the latency a user feels, 50 the rate under load), a 2 s warm-up then --duration seconds;
 * it reports req/s, latency p50 and p99, and the answer's size. Figures on this machine move with the
 * other jobs on its cores: compare runs made minutes apart, not across days.
 *
 *   npx tsx bench/server.ts [--rows 1000000] [--duration 10] [--connections 1,50] [--only assess,list] [--build-only]
 *
 * The store is built once into bench/out/server-<rows>.db (from bench/out/ucdp-<rows>.csv, generated
 * when missing) and reused while the migrations are unchanged (their hash is kept beside it).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addUser, issueToken } from '../src/accounts/accounts.ts';
import { runImport } from '../src/import/pipeline.ts';
import { openStore } from '../src/store/store.ts';
import { arg, args } from './args.ts';
import { startServer, stopServer } from './serve.ts';

const ROWS = Number(arg('rows', '1000000'));
const DURATION = Number(arg('duration', '10'));
const CONNECTIONS = arg('connections', '1,50').split(',').map(Number);
const ONLY = arg('only', '').split(',').filter(Boolean);

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const label = ROWS % 1_000_000 === 0 ? `${ROWS / 1_000_000}m` : String(ROWS);
const CSV = `${OUT}ucdp-${label}.csv`;
const DB = `${OUT}server-${label}.db`;
const DONE = `${DB}.complete`;

const say = (s: string) => process.stderr.write(`${s}\n`);

/** A hash of the migration files: a store built with other migrations is rebuilt. */
function schemaFingerprint(): string {
  const dir = `${ROOT}src/store/migrations/`;
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts')).sort()) h.update(f).update(readFileSync(dir + f));
  return h.digest('hex').slice(0, 16);
}

async function buildStore(): Promise<void> {
  const fingerprint = schemaFingerprint();
  if (existsSync(DONE) && readFileSync(DONE, 'utf8').trim() === fingerprint) return;
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CSV)) {
    say(`generating ${CSV} (${ROWS.toLocaleString('en')} rows)…`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generate-ucdp.ts', '--rows', String(ROWS), '--out', CSV], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('generator failed');
  }
  for (const f of [DB, `${DB}-wal`, `${DB}-shm`]) rmSync(f, { force: true });
  say(`importing ${CSV} into ${DB} (once; reused by later runs)…`);
  const store = await openStore({ dialect: 'sqlite', path: DB });
  try {
    const s = await runImport({ source: CSV, format: 'ucdp', store, actor: 'bench', batchSize: 5000 });
    say(`  ${s.imported.toLocaleString('en')} imported, ${s.rejected} rejected`);
  } finally {
    await store.close();
  }
  writeFileSync(DONE, `${fingerprint}\n`);
}

async function benchToken(): Promise<string> {
  const store = await openStore({ dialect: 'sqlite', path: DB });
  try {
    if (!(await store.accounts.findUser('bench'))) {
      await addUser(store, 'bench', { username: 'bench', role: 'observer', password: 'bench-password-not-secret' });
    }
    return (await issueToken(store, 'bench', 'bench', 'bench/server.ts')).token;
  } finally {
    await store.close();
  }
}

const ASSESS_BODY = JSON.stringify({
  incident: {
    date: '2024-03-10',
    kind: 'armed_attack',
    location: { lat: 15.92, lon: 2.4 },
    perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' },
    target: { type: 'armed_forces', country: 'MLI' },
    fatalities: 12,
  },
});

const luaString = (s: string) => `[==[${s}]==]`;

/** What one endpoint sends; `viewports`: a GET of the list route with a map viewport (0.5–4° wide) drawn per request. */
interface Endpoint {
  name: string;
  what: string;
  path: string;
  method?: 'POST';
  headers: Record<string, string>;
  body?: string;
  viewports?: boolean;
}

function luaScript(e: Endpoint): string {
  const lines = ['math.randomseed(42)'];
  if (e.method) lines.push(`wrk.method = "${e.method}"`);
  for (const [k, v] of Object.entries(e.headers)) lines.push(`wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`);
  if (e.body !== undefined) lines.push(`wrk.body = ${luaString(e.body)}`);
  if (e.viewports) {
    lines.push(
      'request = function()',
      '  local w = 0.5 + math.random() * 3.5',
      '  local h = w * 0.6',
      '  local lon = -11 + math.random() * 24',
      '  local lat = 11 + math.random() * 11',
      '  return wrk.format(nil, string.format("/api/v1/incidents?bbox=%.3f,%.3f,%.3f,%.3f", lon - w / 2, lat - h / 2, lon + w / 2, lat + h / 2))',
      'end',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** "1.23ms" → ms. */
function wrkTime(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s);
  if (!m) throw new Error(`wrk: cannot read the time "${s}"`);
  return Math.round(Number(m[1]) * ({ us: 1, ms: 1000, s: 1e6, m: 6e7 } as Record<string, number>)[m[2]!]!) / 1000;
}
/** "512.00KB" → bytes. */
function wrkBytes(s: string): number {
  const m = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(s);
  if (!m) throw new Error(`wrk: cannot read the size "${s}"`);
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(m[2]!);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  kbPerReq: number;
  failed: number;
}

/** One wrk run (one thread): req/s, latency percentiles, answer size, and the requests that failed (non-2xx or socket errors). */
function load(url: string, e: Endpoint, connections: number, duration: number): Figures {
  mkdirSync(OUT, { recursive: true });
  const script = `${OUT}wrk-${e.name}.lua`;
  writeFileSync(script, luaScript(e));
  const r = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '60s', '--latency', '-s', script, url + e.path], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`wrk failed (${r.error?.message ?? `exit ${r.status}`}): install it with apt-get install wrk\n${r.stderr ?? ''}`);
  const out = r.stdout;
  const grab = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk: no ${re} in its output:\n${out}`);
    return m;
  };
  const total = grab(/(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read/);
  const requests = Number(total[1]);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(grab(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50: wrkTime(grab(/^\s+50%\s+(\S+)$/m)[1]!),
    p99: wrkTime(grab(/^\s+99%\s+(\S+)$/m)[1]!),
    kbPerReq: requests ? wrkBytes(total[3]!) / requests / 1024 : 0,
    failed: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + (sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0),
  };
}

async function main(): Promise<void> {
  await buildStore();
  if (args.includes('--build-only')) return;
  const auth = { authorization: `Bearer ${await benchToken()}` };
  const server = await startServer(DB);
  const { url } = server;
  try {
    const { count } = (await (await fetch(`${url}/api/v1/incidents/count`, { headers: auth })).json()) as { count: number };
    say(`server ${url} on ${count.toLocaleString('en')} incidents`);
    const all: Endpoint[] = [
      { name: 'assess', what: 'POST /api/v1/assess', path: '/api/v1/assess', method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: ASSESS_BODY },
      { name: 'list', what: 'GET /api/v1/incidents?bbox=… (varied viewport, first page of 100)', path: '/api/v1/incidents', headers: auth, viewports: true },
    ];
    const endpoints = all.filter((e) => ONLY.length === 0 || ONLY.includes(e.name));
    const rows: string[] = [];
    let failed = 0;
    for (const e of endpoints) {
      for (const c of CONNECTIONS) {
        load(url, e, Math.min(c, 5), 2); // warm-up
        const f = load(url, e, c, DURATION);
        failed += f.failed;
        say(`  ${e.name} c=${c}: ${Math.round(f.rps).toLocaleString('en')} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  ${f.kbPerReq.toFixed(1)} KiB/answer  failed ${f.failed}`);
        rows.push(`| ${e.what} | ${c} | ${Math.round(f.rps).toLocaleString('en')} | ${f.p50} | ${f.p99} | ${f.kbPerReq.toFixed(1)} |`);
      }
    }
    process.stdout.write(['', `${count.toLocaleString('en')} incidents; wrk, one thread, ${DURATION} s per run after a 2 s warm-up.`, '',
      '| endpoint | connections | req/s | p50 ms | p99 ms | KiB/answer |', '|---|---|---|---|---|---|', ...rows, ''].join('\n'));
    if (failed > 0) {
      say(`${failed} requests failed (non-2xx or socket errors): the figures are not valid`);
      process.exitCode = 1;
    }
  } finally {
    await stopServer(server);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
