/**
 * HTTP benchmark of the Foedus server: the real server (`foedus serve`) runs in
 * a child process on 127.0.0.1 against a SQLite store of 1,000,000 incidents;
 * wrk (see load()) loads it from a second process, one scenario after another:
 *
 * - trivial: GET /healthz (no store, no auth): the ceiling of this server here;
 * - query:   GET /api/v1/incidents?bbox=… (a different map viewport per request,
 *            first page of 100 records, newest first), with a bearer token;
 * - query, 1 year: the same with a one-year date window (the store benchmark's shape);
 * - assess:  POST /api/v1/assess (an incident → the charter engine's assessment), bearer token.
 *
 * Then the transport floor (bench/floor-server.ts): a bare Fastify server answering
 * constant bodies of the same sizes, loaded the same way, to show what HTTP alone
 * allows here for answers that large.
 *
 * Each runs --duration seconds (default 10) with --connections (default 50)
 * after a 2 s warm-up, --rounds times (default 3), each time right after a run of
 * the trivial endpoint; the report gives req/s and p99 latency and the ratio to the
 * trivial run just before, the median of the rounds (targets: query ≥ 30 %, assess ≥ 50 %),
 * and the server process's CPU time per request (from /proc) beside the trivial one's.
 * Before the rounds each list query runs --warm seconds (default 30), reported apart: the server's
 * first look at items it then keeps. Every run draws viewports of its own (a seed per run).
 *
 *   npx tsx bench/server.ts [--rows 1000000] [--duration 10] [--connections 50] [--rounds 3] [--warm 30] [--build-only]
 *                           [--only assess,query1y,query]   (trivial always runs: it is the reference)
 *
 * The store is built once into bench/out/server-<rows>.db (from the generated
 * UCDP file bench/out/ucdp-<rows>.csv, itself generated when missing) and
 * reused by later runs while the migrations are unchanged (their hash is kept
 * beside it). The server reads its in-memory viewport index at start
 * (src/store/incidents/viewport.ts); the runs wait until it answers. Beside the
 * HTTP figures it times the same queries in this process through the
 * repository, through SQL and from the index, to show how much of a request is the store.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runImport } from '../src/import/pipeline.ts';
import { addUser, issueToken } from '../src/accounts/accounts.ts';
import { IncidentRepository } from '../src/store/incidents/index.ts';
import { openStore } from '../src/store/store.ts';
import { seededRandom } from '../src/store/incidents/fixtures.ts';

const args = process.argv.slice(2);
function arg(name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
}
const ROWS = Number(arg('rows', '1000000'));
const DURATION = Number(arg('duration', '10'));
const CONNECTIONS = Number(arg('connections', '50'));
const ROUNDS = Number(arg('rounds', '3'));
/** Seconds each list query runs before the rounds, reported apart: the server's first look at the items. */
const WARM = Number(arg('warm', '30'));

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
    const t0 = performance.now();
    const s = await runImport({ source: CSV, format: 'ucdp', store, actor: 'bench', batchSize: 5000 });
    say(`  ${s.imported.toLocaleString('en')} imported, ${s.rejected} rejected in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
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

function startServer(argv = ['bin/foedus.js', 'serve', '--db', DB, '--port', '0', '--host', '127.0.0.1']): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, FOEDUS_LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      err += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${err}`)));
  });
}

/** A map viewport over the Sahel: centre in Mali / Burkina Faso / Niger, 0.5°–4° wide. */
function viewport(rand: () => number): string {
  const w = 0.5 + rand() * 3.5;
  const h = w * 0.6;
  const lon = -11 + rand() * 24;
  const lat = 11 + rand() * 11;
  const f = (x: number) => x.toFixed(3);
  return `${f(lon - w / 2)},${f(lat - h / 2)},${f(lon + w / 2)},${f(lat + h / 2)}`;
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

interface Figures {
  name: string;
  what: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  kbPerReq: number;
  /** The server process's CPU time (user + system, from /proc) per request of this run, µs; null where /proc cannot tell. */
  cpuUs: number | null;
}

/**
 * The CPU time a process has used, in µs (Linux: /proc/PID/stat, fields 14-15, in clock ticks of 10 ms).
 * Beside req/s because the rates here move with the other jobs on the machine: the CPU a request costs
 * the server moves less, and says what a request weighs against a trivial one whatever the load generator did.
 */
function cpuTimeUs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/**
 * What one scenario sends: a fixed request, or (`viewports`) a GET of the list route with a different
 * map viewport per request (0.5-4 degrees wide over Mali / Burkina Faso / Niger; `withYear`: and a
 * one-year window 1990-2023), made by wrk's Lua from its own seeded generator.
 */
interface Load {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  viewports?: { withYear: boolean };
}

const luaString = (s: string) => `[==[${s}]==]`;

/**
 * The wrk script of a run. Each run draws its viewports with a seed of its own: a replay of the
 * same sequence would find every item kept by the run before and measure that, not a map in use.
 */
function luaScript(l: Load, seed: number): string {
  const lines = [`math.randomseed(${seed})`];
  if (l.method) lines.push(`wrk.method = "${l.method}"`);
  for (const [k, v] of Object.entries(l.headers ?? {})) lines.push(`wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`);
  if (l.body !== undefined) lines.push(`wrk.body = ${luaString(l.body)}`);
  if (l.viewports) {
    lines.push(
      'request = function()',
      '  local w = 0.5 + math.random() * 3.5',
      '  local h = w * 0.6',
      '  local lon = -11 + math.random() * 24',
      '  local lat = 11 + math.random() * 11',
      '  local path = string.format("/api/v1/incidents?bbox=%.3f,%.3f,%.3f,%.3f", lon - w / 2, lat - h / 2, lon + w / 2, lat + h / 2)',
      ...(l.viewports.withYear ? ['  local y = 1990 + math.floor(math.random() * 34)', '  path = path .. string.format("&from=%d-01-01&to=%d-12-31", y, y)'] : []),
      '  return wrk.format(nil, path)',
      'end',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** "1.23ms" → ms; "512.00KB" → bytes. */
function wrkTime(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s);
  if (!m) throw new Error(`wrk: cannot read the time "${s}"`);
  // Rounded to the µs wrk prints: 689.00us × 0.001 is 0.6890000000000001 in floating point.
  return Math.round(Number(m[1]) * ({ us: 1, ms: 1000, s: 1e6, m: 6e7 } as Record<string, number>)[m[2]!]!) / 1000;
}
function wrkBytes(s: string): number {
  const m = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(s);
  if (!m) throw new Error(`wrk: cannot read the size "${s}"`);
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(m[2]!);
}

/**
 * Loads with wrk (C; Debian package `wrk`), one thread and CONNECTIONS connections. Not autocannon: it
 * appends every response body to a JS string, and on these answers (UTF-8 with accented names) that
 * decoding and its garbage took 75 % of its CPU, so it could not load the server: 1.2k req/s against
 * an idle server that wrk drives at 9-12k.
 */
let runs = 0;
function load(name: string, what: string, l: Load, duration: number, connections = CONNECTIONS, serverPid?: number): Figures {
  mkdirSync(OUT, { recursive: true });
  const script = `${OUT}wrk-${name}.lua`;
  writeFileSync(script, luaScript(l, 42 + runs++));
  const cpuBefore = cpuTimeUs(serverPid);
  const r = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '60s', '--latency', '-s', script, l.url], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`wrk failed (${r.error?.message ?? `exit ${r.status}`}): install it with apt-get install wrk\n${r.stderr ?? ''}`);
  const out = r.stdout;
  const grab = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk: no ${re} in its output:\n${out}`);
    return m;
  };
  const total = grab(/(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read/);
  const requests = Number(total[1]);
  const cpuAfter = cpuTimeUs(serverPid);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    name,
    what,
    rps: Number(grab(/Requests\/sec:\s+([\d.]+)/)[1]),
    p50: wrkTime(grab(/^\s+50%\s+(\S+)$/m)[1]!),
    p99: wrkTime(grab(/^\s+99%\s+(\S+)$/m)[1]!),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors: sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
    kbPerReq: requests ? wrkBytes(total[3]!) / requests / 1024 : 0,
    cpuUs: cpuBefore !== null && cpuAfter !== null && requests ? (cpuAfter - cpuBefore) / requests : null,
  };
}

/**
 * Waits until the server has worked off what a run left queued: one request of
 * the same kind (it queues behind the others at every step), then /healthz.
 */
async function drain(url: string, same?: { path: string; init: RequestInit }): Promise<void> {
  if (same) await fetch(url + same.path, { ...same.init, signal: AbortSignal.timeout(600_000) }).then((r) => r.arrayBuffer());
  await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(600_000) }).then((r) => r.arrayBuffer());
}

type Times = { query: [number, number]; query1y: [number, number] };
type Scenario = [name: string, what: string, load: Load];

interface Paired {
  name: string;
  what: string;
  /** Per round: the scenario's figures and the trivial run just before it. */
  rounds: Array<{ f: Figures; trivial: number; trivialCpuUs: number | null }>;
}

const us = (x: number | null) => (x === null ? '?' : x.toFixed(0));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const ratioOf = (r: Paired['rounds'][number]) => r.f.rps / r.trivial;
/** The round whose ratio is the median: its figures are the ones reported. */
const medianRound = (p: Paired) => [...p.rounds].sort((a, b) => ratioOf(a) - ratioOf(b))[Math.floor((p.rounds.length - 1) / 2)]!;

/**
 * Each scenario `rounds` times, each time right after a run of the trivial endpoint of the same server: this
 * machine's rates drift by x2-3 within minutes (other jobs on its two cores), so a ratio is only taken between
 * runs seconds apart, and the median of the rounds is reported.
 */
async function paired(trivial: Scenario, scenarios: Scenario[], rounds: number, serverPid: number | undefined, drainFor?: (name: string) => Promise<void>): Promise<Paired[]> {
  const out: Paired[] = scenarios.map(([name, what]) => ({ name, what, rounds: [] }));
  const once = async ([name, what, o]: Scenario) => {
    load(name, what, o, 2, 5); // warm-up, light enough not to leave a backlog
    await drainFor?.(name);
    const f = load(name, what, o, DURATION, CONNECTIONS, serverPid);
    await drainFor?.(name);
    return f;
  };
  for (let r = 0; r < rounds; r++) {
    for (const [k, sc] of scenarios.entries()) {
      const t = await once(trivial);
      const f = await once(sc);
      out[k]!.rounds.push({ f, trivial: t.rps, trivialCpuUs: t.cpuUs });
      say(`  round ${r + 1}  ${sc[0].padEnd(13)} ${Math.round(f.rps).toLocaleString('en').padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  ${f.kbPerReq.toFixed(1)} KiB/resp  non-2xx ${f.non2xx}  errors ${f.errors}  | trivial just before ${Math.round(t.rps).toLocaleString('en')}: ${((f.rps / t.rps) * 100).toFixed(0)} %  | server CPU ${us(f.cpuUs)} µs/req, trivial's ${us(t.cpuUs)}`);
    }
  }
  return out;
}

/**
 * The same queries called in this process through the repository as the list route calls it (queryJson: no raw
 * reports, JSON bytes; no HTTP): p50 and p99 over `n` calls, through SQL (the viewport index off) and from the
 * viewport index (read first; each page's items read from SQLite the first time they are asked for).
 */
async function storeTimes(n: number): Promise<{ sql: Times; memory: Times & { buildMs: number } }> {
  const store = await openStore({ dialect: 'sqlite', path: DB });
  try {
    const pct = (xs: number[]): [number, number] => {
      xs.sort((a, b) => a - b);
      return [xs[Math.floor(xs.length * 0.5)]!, xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!];
    };
    const run = async (): Promise<Times> => {
      const rand = seededRandom(42);
      const yearRand = seededRandom(7);
      const bbox = () => viewport(rand).split(',').map(Number) as [number, number, number, number];
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < n; i++) {
        let t0 = performance.now();
        await store.incidents.queryJson({ bbox: bbox() }, { limit: 100 });
        a.push(performance.now() - t0);
        const y = 1990 + Math.floor(yearRand() * 34);
        t0 = performance.now();
        await store.incidents.queryJson({ bbox: bbox(), from: `${y}-01-01`, to: `${y}-12-31` }, { limit: 100 });
        b.push(performance.now() - t0);
      }
      return { query: pct(a), query1y: pct(b) };
    };
    IncidentRepository.useViewportIndex = false;
    const sqlTimes = await run();
    IncidentRepository.useViewportIndex = true;
    const t0 = performance.now();
    store.incidents.viewportIndex()!.buildNow();
    const buildMs = performance.now() - t0;
    return { sql: sqlTimes, memory: { ...(await run()), buildMs } };
  } finally {
    await store.close();
  }
}

/** Loads the bare server of bench/floor-server.ts like the real one (paired with its own trivial route): POST /answer (the assess body), GET /page and /page2. */
async function floorFigures(answerBytes: number, pageBytes: number, page2Bytes: number, rounds: number): Promise<Paired[]> {
  const { child, url } = await startServer(['--import', 'tsx', 'bench/floor-server.ts', String(answerBytes), String(pageBytes), String(page2Bytes)]);
  const kib = (n: number) => (n / 1024).toFixed(1);
  try {
    return await paired(['floor-trivial', 'GET /healthz (bare)', { url: `${url}/healthz` }], [
      ['floor-answer', `POST /answer (bare: parses the same body, ${kib(answerBytes)} KiB answer)`, {
        url: `${url}/answer`, method: 'POST', headers: { 'content-type': 'application/json' }, body: ASSESS_BODY,
      }],
      ['floor-page', `GET /page (bare: ${kib(pageBytes)} KiB answer)`, { url: `${url}/page` }],
      ['floor-page2', `GET /page2 (bare: ${kib(page2Bytes)} KiB answer)`, { url: `${url}/page2` }],
    ], rounds, child.pid);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  await buildStore();
  if (args.includes('--build-only')) return;
  const token = await benchToken();
  const { child, url } = await startServer();
  const auth = { authorization: `Bearer ${token}` };
  try {
    const check = await fetch(`${url}/api/v1/incidents/count`, { headers: auth });
    const { count } = (await check.json()) as { count: number };
    say(`server ${url} (child pid ${child.pid}) on ${count.toLocaleString('en')} incidents; ${cpus().length} cores shared by server and load generator`);
    const t0 = performance.now();
    while (((await (await fetch(`${url}/readyz`)).json()) as { mapIndex?: string }).mapIndex !== 'current') await new Promise((r) => setTimeout(r, 200));
    say(`  map index read ${((performance.now() - t0) / 1000).toFixed(1)} s after the first request`);

    const scenarios: Scenario[] = [
      ['assess', 'POST /api/v1/assess', {
        url: `${url}/api/v1/assess`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: ASSESS_BODY,
      }],
      ['query1y', 'GET /api/v1/incidents?bbox=…&from=…&to=… (varied viewport and year)', { url, headers: auth, viewports: { withYear: true } }],
      ['query', 'GET /api/v1/incidents?bbox=… (varied viewport, first page of 100)', { url, headers: auth, viewports: { withYear: false } }],
    ];
    const only = arg('only', '').split(',').filter(Boolean);
    const chosen = scenarios.filter(([name]) => only.length === 0 || only.includes(name));
    const probes: Record<string, { path: string; init: RequestInit } | undefined> = {
      assess: { path: '/api/v1/assess', init: { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: ASSESS_BODY } },
      query: { path: '/api/v1/incidents?bbox=-2,12,0,13.2', init: { headers: auth } },
      query1y: { path: '/api/v1/incidents?bbox=-2,12,0,13.2&from=2020-01-01&to=2020-12-31', init: { headers: auth } },
    };
    // A map in use: before the rounds, each list query runs WARM seconds, in which the server reads each
    // item it has not seen from SQLite once and keeps its JSON. Its figures are reported apart.
    const cold: Figures[] = [];
    for (const [name, what, l] of chosen.filter(([n]) => n !== 'assess')) {
      if (WARM <= 0) break;
      const f = load(name, what, l, WARM, CONNECTIONS, child.pid);
      await drain(url, probes[name]);
      cold.push(f);
      say(`  first ${WARM} s  ${name.padEnd(9)} ${Math.round(f.rps).toLocaleString('en').padStart(7)} req/s  p99 ${f.p99} ms  | server CPU ${us(f.cpuUs)} µs/req (items read from SQLite the first time)`);
    }
    const results = await paired(['trivial', 'GET /healthz', { url: `${url}/healthz` }], chosen, ROUNDS, child.pid, (name) => drain(url, probes[name]));
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    const lines = [
      `Median of ${ROUNDS} rounds; each round runs GET /healthz for ${DURATION} s just before the endpoint, and the ratio is between those two runs.`,
      '',
      `| endpoint | req/s | p50 ms | p99 ms | KiB/response | trivial just before, req/s | vs trivial (each round) | target | server CPU µs/request: endpoint / trivial (median round) |`,
      `|---|---|---|---|---|---|---|---|---|`,
      ...results.map((p) => {
        const m = medianRound(p);
        const ratio = ratioOf(m);
        const goal = p.name === 'assess' ? 0.5 : 0.3;
        return `| ${p.what} | ${Math.round(m.f.rps).toLocaleString('en')} | ${m.f.p50} | ${m.f.p99} | ${m.f.kbPerReq.toFixed(1)} | ${Math.round(m.trivial).toLocaleString('en')} | **${pct(ratio)}** (${p.rounds.map((r) => pct(ratioOf(r))).join(', ')}) | ≥ ${pct(goal)} ${ratio >= goal ? '✔' : '✘'} | ${us(m.f.cpuUs)} / ${us(m.trivialCpuUs)} |`;
      }),
    ];
    if (cold.length > 0) {
      lines.push('', `Before the rounds, the server's first ${WARM} s on each list query (every viewport new to it, each item read from SQLite once): ` +
        cold.map((f) => `${f.name} ${Math.round(f.rps).toLocaleString('en')} req/s, p99 ${f.p99} ms, server CPU ${us(f.cpuUs)} µs/req`).join('; ') + '.');
    }
    // The transport floor: a bare Fastify server answering constant bytes of the same sizes, same load generator.
    const bytesOf = (name: string) => Math.round(median(results.find((r) => r.name === name)?.rounds.map((r) => r.f.kbPerReq) ?? [0]) * 1024);
    const answerBytes = bytesOf('assess') || 7_800, pageBytes = bytesOf('query1y') || 24_600, page2Bytes = bytesOf('query') || 72_000;
    const floor = await floorFigures(answerBytes, pageBytes, page2Bytes, ROUNDS);
    lines.push(
      '',
      `Transport floor, same run: a bare Fastify server (no plugins, auth, store or validation; answers written at the end of the loop turn as Foedus writes them; bench/floor-server.ts) answering constant bodies of the real answers' median sizes above, paired the same way with its own trivial route:`,
      '',
      `| bare endpoint | req/s | p50 ms | p99 ms | bare trivial just before, req/s | vs bare trivial (each round) | server CPU µs/request: endpoint / trivial |`,
      `|---|---|---|---|---|---|---|`,
      ...floor.map((p) => {
        const m = medianRound(p);
        return `| ${p.what} | ${Math.round(m.f.rps).toLocaleString('en')} | ${m.f.p50} | ${m.f.p99} | ${Math.round(m.trivial).toLocaleString('en')} | **${pct(ratioOf(m))}** (${p.rounds.map((r) => pct(ratioOf(r))).join(', ')}) | ${us(m.f.cpuUs)} / ${us(m.trivialCpuUs)} |`;
      }),
    );
    const st = await storeTimes(100);
    const f = (x: number) => x.toFixed(2);
    lines.push(
      '',
      `The same queries in-process through the repository (no HTTP, 100 calls each, each page's items read for the first time): ` +
        `through SQL bbox ${f(st.sql.query[0])} ms p50 / ${f(st.sql.query[1])} ms p99, bbox + year ${f(st.sql.query1y[0])} / ${f(st.sql.query1y[1])} ms; ` +
        `from the viewport index (read in ${(st.memory.buildMs / 1000).toFixed(1)} s) bbox ${f(st.memory.query[0])} / ${f(st.memory.query[1])} ms, bbox + year ${f(st.memory.query1y[0])} / ${f(st.memory.query1y[1])} ms.`,
    );
    process.stdout.write(`\n${lines.join('\n')}\n`);
    if (results.some((p) => p.rounds.some(({ f }) => f.non2xx > 0 || f.errors > 0))) {
      say('some requests failed (non-2xx or errors): the figures are not valid');
      process.exitCode = 1;
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
