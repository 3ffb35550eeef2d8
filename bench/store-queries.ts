/**
 * Incident store query benchmark: fills a SQLite file and a PostgreSQL schema
 * with N incidents resampled from the real UCDP rows in data/ucdp (Mali,
 * Burkina Faso, Niger), then times the map's queries through the repository
 * API (the same code the server runs):
 *
 * - bbox + date range, first page of 100 (newest first), on country- and
 *   region-sized boxes and 3- to 24-month windows, rotated over the runs;
 * - the same as a count;
 * - clusters for a whole-country viewport (Mali, zoom 5), without and with a
 *   one-year window.
 *
 *   npx tsx bench/store-queries.ts [--rows 1000000] [--runs 60] [--only sqlite|postgres] [--pg-url URL] [--keep] [--reuse]
 *
 * --keep leaves the PostgreSQL schema (bench_store_queries) in place; --reuse
 * measures the data a previous --keep run left instead of filling again.
 *
 * Resampling: each incident is a real mapped UCDP record with a fresh id, its
 * date moved by up to ±1 year and its point by up to ±0.5° (deterministic
 * seed). Times are wall-clock per call in this process, after 5 warm-up calls;
 * p50/p95 over --runs calls. The SQLite file is bench/out/store-queries.db;
 * the PostgreSQL schema is dropped at the end.
 */
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { readUcdpCsv } from '../src/incident/ucdp/wire.ts';
import { isRowError, mapUcdpRow } from '../src/incident/ucdp/mapper.ts';
import type { IncidentRecord } from '../src/incident/record.ts';
import { openStore, type Store } from '../src/store/store.ts';
import type { StoreConfig } from '../src/store/database.ts';
import type { BBox, IncidentFilter } from '../src/store/incidents/index.ts';
import { seededRandom } from '../src/store/incidents/fixtures.ts';
import { arg, args } from './args.ts';

const ROWS = Number(arg('rows', '1000000'));
const RUNS = Number(arg('runs', '60'));
const ONLY = arg('only', '');
const PG_URL = arg('pg-url', process.env.FOEDUS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const KEEP = args.includes('--keep');
const REUSE = args.includes('--reuse');
const BATCH = 5000;

const DATA = fileURLToPath(new URL('../data/ucdp/', import.meta.url));
const OUT = fileURLToPath(new URL('./out/', import.meta.url));

async function baseRecords(): Promise<IncidentRecord[]> {
  const out: IncidentRecord[] = [];
  const now = new Date().toISOString();
  for (const f of ['ged_mali.csv', 'ged_burkina_faso.csv', 'ged_niger_repaired.csv']) {
    for await (const l of readUcdpCsv(createReadStream(join(DATA, f)), f)) {
      if (!l.row) continue;
      const r = mapUcdpRow(l.row, l.line, now);
      if (!isRowError(r)) out.push(r);
    }
  }
  return out;
}

const DAY = 86_400_000;
function shiftDate(d: string, days: number): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The i-th resampled incident (deterministic). */
function* resample(base: IncidentRecord[], n: number): Generator<IncidentRecord> {
  const rnd = seededRandom(20261128);
  for (let i = 0; i < n; i++) {
    const b = base[Math.floor(rnd() * base.length)]!;
    const days = Math.round((rnd() * 2 - 1) * 365);
    const dLat = (rnd() * 2 - 1) * 0.5, dLon = (rnd() * 2 - 1) * 0.5;
    const loc = { ...b.incident.location };
    if (loc.lat !== undefined && loc.lon !== undefined) {
      loc.lat = Math.max(-90, Math.min(90, Math.round((loc.lat + dLat) * 1e6) / 1e6));
      loc.lon = Math.max(-180, Math.min(180, Math.round((loc.lon + dLon) * 1e6) / 1e6));
    }
    const id = `ucdp_ged:bench-${i}`;
    const date = shiftDate(b.incident.date, days);
    yield {
      ...b,
      id,
      incident: { ...b.incident, date, location: loc },
      dateEnd: b.dateEnd ? shiftDate(b.dateEnd, days) : null,
      source: { ...b.source, id: `bench-${i}` },
      reports: b.reports.map((r) => ({ ...r, sourceId: `bench-${i}`, raw: { ...r.raw, id: `bench-${i}`, date_start: date } })),
    };
  }
}

async function fill(store: Store, base: IncidentRecord[]): Promise<{ seconds: number; rate: number }> {
  const t0 = performance.now();
  let batch: IncidentRecord[] = [];
  let done = 0;
  for (const r of resample(base, ROWS)) {
    batch.push(r);
    if (batch.length === BATCH) {
      await store.incidents.upsertMany(batch, { actor: 'bench' });
      done += batch.length;
      batch = [];
      if (done % 100_000 === 0) process.stderr.write(`  ${store.dialect}: ${done.toLocaleString('en')} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  }
  if (batch.length) await store.incidents.upsertMany(batch, { actor: 'bench' });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, rate: ROWS / seconds };
}

const COUNTRY_BOXES: Array<[string, BBox]> = [
  ['Mali', [-12.3, 10.1, 4.3, 25.0]],
  ['Burkina Faso', [-5.6, 9.4, 2.4, 15.1]],
  ['Niger', [0.1, 11.7, 16.0, 23.5]],
];
const REGION_BOXES: Array<[string, BBox]> = [
  ['Liptako-Gourma tri-border', [-2.0, 13.0, 2.0, 16.0]],
  ['Mopti', [-5.5, 13.5, -1.5, 16.0]],
  ['Ménaka', [1.5, 14.5, 4.5, 16.5]],
  ['Tillabéri', [0.5, 13.0, 4.0, 16.0]],
  ['Sahel (BF)', [-1.5, 13.0, 0.5, 15.1]],
  ['Gao', [-1.5, 15.5, 2.0, 18.5]],
  ['Ségou', [-7.5, 12.5, -4.0, 15.5]],
  ['Est (BF)', [0.0, 11.0, 2.4, 13.2]],
];
const WINDOWS: Array<[string, string]> = [
  ['2020-01-01', '2020-12-31'],
  ['2022-04-01', '2022-06-30'],
  ['2019-07-01', '2021-06-30'],
  ['2023-01-01', '2023-12-31'],
  ['2021-10-01', '2021-12-31'],
  ['2017-01-01', '2018-12-31'],
];
const MALI: BBox = [-12.3, 10.1, 4.3, 25.0];

function filters(boxes: Array<[string, BBox]>): IncidentFilter[] {
  const out: IncidentFilter[] = [];
  for (let k = 0; k < RUNS; k++) {
    const [, bbox] = boxes[k % boxes.length]!;
    const [from, to] = WINDOWS[k % WINDOWS.length]!;
    out.push({ bbox, from, to });
  }
  return out;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function time(label: string, runs: number, fn: (k: number) => Promise<unknown>): Promise<{ label: string; p50: number; p95: number; max: number }> {
  for (let k = 0; k < 5; k++) await fn(k);
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    await fn(k);
    ms.push(performance.now() - t0);
  }
  return { label, p50: pct(ms, 50), p95: pct(ms, 95), max: Math.max(...ms) };
}

interface Result {
  dialect: string;
  fill: { seconds: number; rate: number };
  rows: Array<{ label: string; p50: number; p95: number; max: number }>;
  info: string[];
}

async function measure(store: Store): Promise<Result['rows'] & { info?: string[] }> {
  const country = filters(COUNTRY_BOXES), region = filters(REGION_BOXES);
  const rows: Result['rows'] = [];
  const matches = async (fs: IncidentFilter[]) => {
    const n: number[] = [];
    for (const f of fs.slice(0, Math.max(COUNTRY_BOXES.length, REGION_BOXES.length) * 2)) n.push(await store.incidents.count(f));
    return `${Math.min(...n).toLocaleString('en')}–${Math.max(...n).toLocaleString('en')}`;
  };
  const info = [`country boxes match ${await matches(country)} rows, region boxes ${await matches(region)}`];
  rows.push(await time('bbox+dates, page of 100 — country boxes', RUNS, (k) => store.incidents.query(country[k % country.length]!, { limit: 100 })));
  rows.push(await time('bbox+dates, page of 100 — region boxes', RUNS, (k) => store.incidents.query(region[k % region.length]!, { limit: 100 })));
  rows.push(await time('bbox+dates, page of 100 without raw reports — country boxes', RUNS, (k) => store.incidents.query(country[k % country.length]!, { limit: 100, withReports: false })));
  rows.push(await time('bbox+dates, page of 100 without raw reports — region boxes', RUNS, (k) => store.incidents.query(region[k % region.length]!, { limit: 100, withReports: false })));
  rows.push(await time('bbox+dates, count — country boxes', RUNS, (k) => store.incidents.count(country[k % country.length]!)));
  rows.push(await time('bbox+dates, count — region boxes', RUNS, (k) => store.incidents.count(region[k % region.length]!)));
  const mali = await store.incidents.clusters({ bbox: MALI, zoom: 5 });
  info.push(`Mali z5: ${mali.clusters.length} clusters, total ${mali.total.toLocaleString('en')} (= count: ${mali.total === (await store.incidents.count({ bbox: MALI }))})`);
  rows.push(await time('clusters, Mali viewport, zoom 5', RUNS, () => store.incidents.clusters({ bbox: MALI, zoom: 5 })));
  rows.push(await time('clusters, Mali viewport, zoom 5, one year', RUNS, (k) => store.incidents.clusters({ bbox: MALI, zoom: 5, from: `20${16 + (k % 8)}-01-01`, to: `20${16 + (k % 8)}-12-31` })));
  rows.push(await time('clusters, Mali viewport, zoom 5, kind filter (grouped path)', RUNS, () => store.incidents.clusters({ bbox: MALI, zoom: 5, kind: 'armed_attack' })));
  return Object.assign(rows, { info });
}

async function main(): Promise<void> {
  console.log(`incident store queries: ${ROWS.toLocaleString('en')} resampled UCDP incidents, ${RUNS} runs per query`);
  const base = await baseRecords();
  console.log(`base: ${base.length} real UCDP records (data/ucdp: Mali, Burkina Faso, Niger)`);
  const results: Result[] = [];

  if (ONLY !== 'postgres') {
    mkdirSync(OUT, { recursive: true });
    const path = join(OUT, 'store-queries.db');
    if (!REUSE) for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
    const store = await openStore({ dialect: 'sqlite', path });
    try {
      const have = await store.incidents.count();
      const f = REUSE && have === ROWS ? { seconds: NaN, rate: NaN } : await fill(store, base);
      const rows = await measure(store);
      results.push({ dialect: 'SQLite (better-sqlite3 12, WAL)', fill: f, rows, info: rows.info ?? [] });
      report(results.at(-1)!);
    } finally {
      await store.close();
    }
  }

  if (ONLY !== 'sqlite') {
    const schema = 'bench_store_queries';
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    if (!REUSE) await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`create schema if not exists ${schema}`);
    const config: StoreConfig = { dialect: 'postgres', url: PG_URL, schema, poolSize: 4 };
    try {
      const store = await openStore(config);
      try {
        const have = await store.incidents.count();
        const f = REUSE && have === ROWS ? { seconds: NaN, rate: NaN } : await fill(store, base);
        // What autovacuum would do after a bulk load: statistics and the visibility map (index-only scans).
        for (const t of ['incidents', 'incident_reports', 'incident_cells']) await admin.query(`vacuum analyze ${schema}.${t}`);
        const rows = await measure(store);
        const v = await admin.query('show server_version');
        results.push({ dialect: `PostgreSQL ${v.rows[0].server_version.split(' ')[0]} (pg, GiST point + btree)`, fill: f, rows, info: rows.info ?? [] });
        report(results.at(-1)!);
      } finally {
        await store.close();
      }
    } finally {
      if (!KEEP) await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  }

}

function report(r: Result): void {
  console.log(`\n${r.dialect}: filled ${ROWS.toLocaleString('en')} rows in ${r.fill.seconds.toFixed(1)} s (${Math.round(r.fill.rate).toLocaleString('en')} rows/s through upsertMany, batches of ${BATCH})`);
    for (const i of r.info) console.log(`  ${i}`);
    console.log('| query | p50 ms | p95 ms | max ms |');
    console.log('|---|---|---|---|');
  for (const x of r.rows) console.log(`| ${x.label} | ${x.p50.toFixed(2)} | ${x.p95.toFixed(2)} | ${x.max.toFixed(2)} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
