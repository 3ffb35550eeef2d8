/**
 * Mixed workload, shaped like an operations centre: the real server (`foedus serve --no-ui`) in a child
 * process (or two, on one PostgreSQL schema), a store of --rows generated UCDP incidents, and in this
 * process simulated users, a writer and Server-Sent Events subscribers:
 *
 * - each user repeats one action after another (with --think ms between them, ×0.5–1.5 at random):
 *   a map pan or zoom (the two requests the map sends at once: clusters and the month timeline of
 *   the viewport; sometimes a date window, sometimes coloured by article), a list page,
 *   an incident page, an assessment (what would this event trigger), the whole-store timeline
 *   (month, week or day), the counts by country or admin-1;
 * - a writer records --writes incidents a second (POST /api/v1/incidents), and corrects every
 *   second one it recorded (PATCH);
 * - --sse subscribers hold /api/v1/events open; each new incident's delay from its POST to every
 *   subscriber is measured.
 *
 * Scenarios (--scenarios): `clients` (--clients users, no think time: the machine saturated) and
 * `users` (--users users thinking --think ms: a working day). p50/p95/p99/max per request kind, the
 * errors, the server's CPU. Figures on a shared 2-core machine move with its other jobs; the load
 * generator shares the cores with the server.
 *
 *   npx tsx bench/mixed.ts [--rows 120000] [--store sqlite,postgres] [--scenarios clients,users]
 *     [--duration 15] [--clients 16] [--users 200] [--think 1000] [--sse 1000] [--writes 2]
 *     [--processes 1|2] [--build-only]
 *
 * The stores are built once (bench/out/mixed-<rows>.db; PostgreSQL schema bench_mixed_<rows> in the
 * database of FOEDUS_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) from
 * bench/out/ucdp-<rows>.csv (generated when missing) and reused (the server applies any newer
 * migration when it opens them; delete bench/out/mixed-*-<rows>.complete to rebuild).
 * --processes 2 (PostgreSQL only) starts two servers on the same schema and splits the users and the
 * subscribers between them; the writer writes through the first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { addUser, issueToken } from '../src/accounts/accounts.ts';
import { BULK_BATCH_SIZE, BULK_CACHE_MIB, runImport } from '../src/import/pipeline.ts';
import type { StoreConfig } from '../src/store/database.ts';
import { seededRandom } from '../src/store/incidents/fixtures.ts';
import { openStore } from '../src/store/store.ts';
import { arg, args } from './args.ts';
import { PG_URL, pgAdmin, startServer, stopServer, type BenchServer as Server } from './serve.ts';

const ROWS = Number(arg('rows', '120000'));
const STORES = arg('store', 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const SCENARIOS = arg('scenarios', 'clients,users').split(',');
const DURATION = Number(arg('duration', '15'));
const CLIENTS = Number(arg('clients', '16'));
const USERS = Number(arg('users', '200'));
const THINK = Number(arg('think', '1000'));
const SSE = Number(arg('sse', '1000'));
const WRITES = Number(arg('writes', '2'));
const PROCESSES = Number(arg('processes', '1'));

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const label = ROWS % 1_000_000 === 0 ? `${ROWS / 1_000_000}m` : String(ROWS);
const CSV = `${OUT}ucdp-${label}.csv`;
const SCHEMA = `bench_mixed_${label}`;

const say = (s: string) => process.stderr.write(`${s}\n`);
const rnd = seededRandom(20261205);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// ------------------------------------------------------------------ the stores

function configOf(dialect: 'sqlite' | 'postgres'): StoreConfig {
  return dialect === 'sqlite' ? { dialect, path: `${OUT}mixed-${label}.db` } : { dialect, url: PG_URL, schema: SCHEMA };
}

/** What `--db` gets: the file, or the URL with the schema as the connection's search_path. */
function dbArg(dialect: 'sqlite' | 'postgres'): string {
  if (dialect === 'sqlite') return `${OUT}mixed-${label}.db`;
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${SCHEMA}`);
  return u.toString();
}

async function buildStore(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const done = `${OUT}mixed-${dialect}-${label}.complete`;
  if (existsSync(done)) return;
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CSV)) {
    say(`generating ${CSV} (${ROWS.toLocaleString('en')} rows)…`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generate-ucdp.ts', '--rows', String(ROWS), '--out', CSV], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('generator failed');
  }
  const config = configOf(dialect);
  if (config.dialect === 'sqlite') for (const f of ['', '-wal', '-shm']) rmSync(config.path + f, { force: true });
  else await pgAdmin(`drop schema if exists ${SCHEMA} cascade`, `create schema ${SCHEMA}`);
  const t0 = performance.now();
  say(`importing ${CSV} into ${dialect} (once; reused by later runs)…`);
  const store = await openStore(config.dialect === 'sqlite' ? { ...config, cacheMiB: BULK_CACHE_MIB } : config);
  try {
    const s = await runImport({ source: CSV, format: 'ucdp', store, actor: 'bench', batchSize: BULK_BATCH_SIZE });
    say(`  ${s.imported.toLocaleString('en')} imported, ${s.rejected} rejected, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await addUser(store, 'bench', { username: 'bench', role: 'secretariat', password: 'sahel-duty-officer-load-2026' });
  } finally {
    await store.close();
  }
  if (dialect === 'postgres') await pgAdmin(`set search_path = ${SCHEMA}`, 'vacuum analyze');
  writeFileSync(done, `${new Date().toISOString()}\n`);
}

async function benchToken(dialect: 'sqlite' | 'postgres'): Promise<string> {
  const store = await openStore(configOf(dialect));
  try {
    return (await issueToken(store, 'bench', 'bench', 'bench/mixed.ts')).token;
  } finally {
    await store.close();
  }
}

// ------------------------------------------------------------------ the servers

/** CPU seconds the process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

// ------------------------------------------------------------------ HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

interface Answer {
  status: number;
  body: string;
}

function send(s: Server, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (data !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(data));
    }
    const req = http.request({ host: s.host, port: s.port, method, path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
    req.on('error', reject);
    req.end(data);
  });
}

// ------------------------------------------------------------------ what users do

/** The Sahel, where the incidents are: map centres are drawn in it. */
const SAHEL = { lon0: -12, lon1: 16, lat0: 9, lat1: 24 };
const WINDOWS: Array<[string, string]> = [['2020-01-01', '2020-12-31'], ['2022-04-01', '2022-06-30'], ['2019-07-01', '2021-06-30'], ['2023-01-01', '2023-12-31'], ['2021-10-12', '2022-03-04']];

function viewport(): { bbox: string; zoom: number } {
  const zoom = 4 + Math.floor(rnd() * 8); // 4..11
  const w = Math.min(359, (5 * 360) / 2 ** zoom), h = Math.min(170, w * 0.6);
  const lon = SAHEL.lon0 + rnd() * (SAHEL.lon1 - SAHEL.lon0), lat = SAHEL.lat0 + rnd() * (SAHEL.lat1 - SAHEL.lat0);
  const c = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v)).toFixed(4);
  return { bbox: [c(lon - w / 2, -180, 180), c(lat - h / 2, -85, 85), c(lon + w / 2, -180, 180), c(lat + h / 2, -85, 85)].join(','), zoom };
}

const q = (o: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();

type Request = { kind: string; method: string; path: string; body?: unknown };

/** One action of a user: the requests it sends at once. */
function action(ids: string[]): Request[] {
  const r = rnd();
  if (r < 0.45) {
    const { bbox, zoom } = viewport();
    const win = rnd() < 0.3 ? pick(WINDOWS) : undefined;
    const f = { bbox, from: win?.[0], to: win?.[1] };
    return [
      { kind: 'map: clusters', method: 'GET', path: `/api/v1/incidents/clusters?${q({ ...f, zoom, by: rnd() < 0.1 ? 'aes-2023' : undefined })}` },
      { kind: 'map: timeline (viewport)', method: 'GET', path: `/api/v1/incidents/timeline?${q({ ...f, interval: 'month' })}` },
    ];
  }
  if (r < 0.6) {
    const win = rnd() < 0.5 ? pick(WINDOWS) : undefined;
    return [{ kind: 'list page', method: 'GET', path: `/api/v1/incidents?${q({ bbox: viewport().bbox, from: win?.[0], to: win?.[1], limit: 50 })}` }];
  }
  if (r < 0.75) return [{ kind: 'incident page', method: 'GET', path: `/api/v1/incidents/${encodeURIComponent(pick(ids))}` }];
  if (r < 0.85) return [{ kind: 'assess', method: 'POST', path: '/api/v1/assess', body: assessBody() }];
  if (r < 0.93) {
    const interval = pick(['month', 'month', 'week', 'day']);
    const win = rnd() < 0.3 ? pick(WINDOWS) : undefined;
    return [{ kind: 'timeline (whole store)', method: 'GET', path: `/api/v1/incidents/timeline?${q({ interval, from: win?.[0], to: win?.[1] })}` }];
  }
  const win = rnd() < 0.3 ? pick(WINDOWS) : undefined;
  return [{ kind: 'by-area', method: 'GET', path: `/api/v1/incidents/by-area?${q({ level: pick(['country', 'admin1']), from: win?.[0], to: win?.[1] })}` }];
}

function newIncident() {
  const lat = 12 + rnd() * 8, lon = -8 + rnd() * 16;
  return {
    date: `2026-${String(1 + Math.floor(rnd() * 11)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
    kind: 'armed_attack',
    location: { lat: Math.round(lat * 1e4) / 1e4, lon: Math.round(lon * 1e4) / 1e4 },
    perpetrator: { type: 'non_state_armed_group', name: 'JNIM' },
    target: { type: 'armed_forces', country: pick(['MLI', 'BFA', 'NER']) },
    fatalities: Math.floor(rnd() * 20),
  };
}

function assessBody() {
  return { incident: { ...newIncident(), date: `20${10 + Math.floor(rnd() * 16)}-03-10` } };
}

// ------------------------------------------------------------------ one run

class Tally {
  readonly times = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly samples: string[] = [];
  add(kind: string, ms: number): void {
    let t = this.times.get(kind);
    if (!t) this.times.set(kind, (t = []));
    t.push(ms);
  }
  fail(kind: string, what: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (this.samples.length < 5) this.samples.push(`${kind}: ${what.slice(0, 200)}`);
  }
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const f1 = (x: number) => (Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));

interface Subscriber {
  received: Map<string, number>;
  req: http.ClientRequest;
}

function subscribe(s: Server, token: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const received = new Map<string, number>();
    const req = http.request({ host: s.host, port: s.port, path: '/api/v1/events', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let k: number;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, k);
          buf = buf.slice(k + 2);
          if (!frame.includes('event: incident.created')) continue;
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (data) received.set((JSON.parse(data) as { id: string }).id, performance.now());
        }
      });
      res.on('error', () => {});
      resolve({ received, req });
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(servers: Server[], token: string, ids: string[], users: number, think: number, sseCount: number): Promise<string[]> {
  const tally = new Tally();
  const subs: Subscriber[] = [];
  for (let i = 0; i < sseCount; i++) subs.push(await subscribe(servers[i % servers.length]!, token));
  const sent = new Map<string, number>();
  const cpu0 = servers.map((s) => cpuSeconds(s.child.pid!));
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  const end = t0 + DURATION * 1000;
  const timed = async (s: Server, r: Request): Promise<Answer | null> => {
    const a = performance.now();
    try {
      const res = await send(s, token, r.method, r.path, r.body);
      if (res.status >= 400) {
        tally.fail(r.kind, `${res.status} ${r.method} ${r.path} ${res.body}`);
        return null;
      }
      tally.add(r.kind, performance.now() - a);
      return res;
    } catch (err) {
      tally.fail(r.kind, `${r.method} ${r.path}: ${(err as Error).message}`);
      return null;
    }
  };
  const user = async (i: number) => {
    const s = servers[i % servers.length]!;
    // Users do not all start at the same instant.
    if (think > 0) await new Promise((r) => setTimeout(r, rnd() * think));
    while (performance.now() < end) {
      await Promise.all(action(ids).map((r) => timed(s, r)));
      if (think > 0) await new Promise((r) => setTimeout(r, think * (0.5 + rnd())));
    }
  };
  const writer = async () => {
    if (WRITES <= 0) return;
    const s = servers[0]!;
    let n = 0;
    const toCorrect: Array<{ id: string; version: number }> = [];
    while (performance.now() < end) {
      const next = t0 + (++n * 1000) / WRITES;
      if (next > performance.now()) await new Promise((r) => setTimeout(r, next - performance.now()));
      if (n % 3 === 0 && toCorrect.length) {
        const c = toCorrect.shift()!;
        await timed(s, { kind: 'write: correct (PATCH)', method: 'PATCH', path: `/api/v1/incidents/${encodeURIComponent(c.id)}`, body: { version: c.version, notes: `corrected by the bench ${n}` } });
        continue;
      }
      const at = performance.now();
      const res = await timed(s, { kind: 'write: record (POST)', method: 'POST', path: '/api/v1/incidents', body: { incident: newIncident(), notes: 'bench' } });
      if (res) {
        const rec = JSON.parse(res.body) as { id: string; version: number };
        sent.set(rec.id, at);
        toCorrect.push(rec);
      }
    }
  };
  await Promise.all([...Array.from({ length: users }, (_, i) => user(i)), writer()]);
  const wall = (performance.now() - t0) / 1000;
  const cpu = servers.map((s, i) => cpuSeconds(s.child.pid!) - cpu0[i]!);
  // Give the last events a moment to arrive, then read the delays.
  await new Promise((r) => setTimeout(r, 1500));
  const delays: number[] = [];
  let lost = 0;
  for (const [id, at] of sent) {
    for (const sub of subs) {
      const got = sub.received.get(id);
      if (got === undefined) lost++;
      else delays.push(got - at);
    }
  }
  for (const sub of subs) sub.req.destroy();

  const lines: string[] = [];
  let total = 0, errors = 0;
  lines.push('| request kind | n | p50 ms | p95 ms | p99 ms | max ms | errors |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const kind of [...new Set([...tally.times.keys(), ...tally.errors.keys()])].sort()) {
    const t = tally.times.get(kind) ?? [];
    const e = tally.errors.get(kind) ?? 0;
    total += t.length + e;
    errors += e;
    lines.push(`| ${kind} | ${t.length.toLocaleString('en')} | ${f1(pct(t, 50))} | ${f1(pct(t, 95))} | ${f1(pct(t, 99))} | ${f1(pct(t, 100))} | ${e} |`);
  }
  if (subs.length) {
    lines.push(`| SSE: new incident to each subscriber (${subs.length} × ${sent.size}) | ${delays.length.toLocaleString('en')} | ${f1(pct(delays, 50))} | ${f1(pct(delays, 95))} | ${f1(pct(delays, 99))} | ${f1(pct(delays, 100))} | ${lost} lost |`);
  }
  lines.push('', `${total.toLocaleString('en')} requests in ${wall.toFixed(1)} s (${Math.round(total / wall)} req/s), ${errors} errors; server CPU ${cpu.map((c) => `${Math.round((100 * c) / wall)} %`).join(' + ')} of one core; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
  for (const s of tally.samples) lines.push(`  error: ${s}`);
  return lines;
}

/** Incident ids to open: the first pages of a few viewports. */
async function someIds(s: Server, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let k = 0; k < 10; k++) {
    const res = await send(s, token, 'GET', `/api/v1/incidents?${q({ bbox: viewport().bbox, limit: 100 })}`);
    if (res.status !== 200) throw new Error(`list: ${res.status} ${res.body}`);
    for (const it of (JSON.parse(res.body) as { items: Array<{ id: string }> }).items) ids.push(it.id);
  }
  if (!ids.length) throw new Error('no incident found to open');
  return ids;
}

async function waitAssessed(s: Server): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const res = await send(s, '', 'GET', '/readyz');
    const a = res.status === 200 ? (JSON.parse(res.body) as { assessments: { state: string; done: number; total: number } }).assessments : null;
    if (a?.state === 'current') return;
    if (performance.now() - t0 > 5000) say(`  waiting for the stored assessments: ${a ? `${a.done}/${a.total}` : res.status}`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

async function main(): Promise<void> {
  for (const dialect of STORES) await buildStore(dialect);
  if (args.includes('--build-only')) return;
  const report: string[] = [];
  for (const dialect of STORES) {
    const processes = dialect === 'postgres' ? PROCESSES : 1;
    const token = await benchToken(dialect);
    const servers: Server[] = [];
    try {
      for (let p = 0; p < processes; p++) servers.push(await startServer(dbArg(dialect), { fromSource: true }));
      await waitAssessed(servers[0]!);
      // What autovacuum does on a production server after the assessments rewrote every row: this
      // machine's PostgreSQL runs with autovacuum off (for CI), and the bloated heap read twice as slow.
      if (dialect === 'postgres') await pgAdmin(`set search_path = ${SCHEMA}`, 'vacuum analyze');
      const ids = await someIds(servers[0]!, token);
      const count = JSON.parse((await send(servers[0]!, token, 'GET', '/api/v1/incidents/count')).body) as { count: number };
      for (const scenario of SCENARIOS) {
        const [users, think, sse] = scenario === 'clients' ? [CLIENTS, 0, Math.min(SSE, 50)] : [USERS, THINK, SSE];
        const head = `${dialect}, ${processes} process${processes > 1 ? 'es' : ''}, ${count.count.toLocaleString('en')} incidents, ${scenario}: ${users} users${think ? ` thinking ~${think} ms` : ' without pause'}, ${WRITES} writes/s, ${sse} SSE subscribers, ${DURATION} s`;
        say(`running ${head}…`);
        const lines = await run(servers, token, ids, users, think, sse);
        report.push('', `### ${head}`, '', ...lines);
        say(lines.join('\n'));
      }
    } finally {
      for (const s of servers) await stopServer(s);
    }
  }
  process.stdout.write(`${report.join('\n')}\n`);
  agent.destroy();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
