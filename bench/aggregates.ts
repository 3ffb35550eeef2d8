/**
 * The whole-store aggregates, alone, in the process: each one from the rows (the GROUP BY the
 * routes ran before migration 14) and as the repository answers it now (from the tallies kept on
 * write where they can), on the same store in the same run, with the answers compared.
 *
 *   npx tsx bench/aggregates.ts [--rows 120000] [--store sqlite,postgres] [--runs 15] [--only TEXT]
 *
 * --only keeps the queries whose name contains TEXT (e.g. "zoom-9", "rows: no tally").
 *
 * It measures the stores bench/mixed.ts builds (bench/out/mixed-<rows>.db, PostgreSQL schema
 * bench_mixed_<rows>); build them first (`npx tsx bench/mixed.ts --rows N --build-only`). Opening
 * them applies any pending migration: the time migration 14 took to fill its tallies is printed.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { closeDatabase, openDatabase, type StoreConfig } from '../src/store/database.ts';
import { byAreaOfRows, timelineOfRows } from '../src/store/incidents/aggregates.ts';
import type { IncidentDialect } from '../src/store/incidents/dialect.ts';
import { normaliseFilter } from '../src/store/incidents/filter.ts';
import { PostgresIncidents } from '../src/store/incidents/postgres.ts';
import { IncidentRepository } from '../src/store/incidents/repository.ts';
import { SqliteIncidents } from '../src/store/incidents/sqlite.ts';
import type { IncidentFilter } from '../src/store/incidents/types.ts';
import { migrate } from '../src/store/migrate.ts';
import type { RepositoryContext } from '../src/store/store.ts';
import { arg } from './args.ts';
import { PG_URL } from './serve.ts';

const ROWS = Number(arg('rows', '120000'));
const STORES = arg('store', 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const RUNS = Number(arg('runs', '15'));
const ONLY = arg('only', '');
const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const label = ROWS % 1_000_000 === 0 ? `${ROWS / 1_000_000}m` : String(ROWS);

type Query = { name: string; before: () => Promise<unknown>; after: () => Promise<unknown> };

function queries(repo: IncidentRepository, d: IncidentDialect): Query[] {
  const out: Query[] = [];
  const nf = (f: IncidentFilter) => normaliseFilter(f);
  const tl = (name: string, f: IncidentFilter, bucket: 'day' | 'week' | 'month') =>
    out.push({ name, before: () => timelineOfRows(d, nf(f), bucket), after: () => repo.timeline(f, bucket) });
  tl('timeline, month, whole store', {}, 'month');
  tl('timeline, week, whole store', {}, 'week');
  tl('timeline, day, whole store', {}, 'day');
  tl('timeline, month, 2019-07-12 to 2022-03-04', { from: '2019-07-12', to: '2022-03-04' }, 'month');
  for (const [zoom, bbox] of [
    [4, [-33.0, -3.5, 23.3, 30.3]],
    [5, [-12.3, 10.1, 4.3, 25.0]],
    [6, [-8.0, 10.0, 6.0, 18.4]],
    [7, [-3.5, 12.0, 3.5, 16.2]],
    [9, [-1.0, 13.8, 0.8, 14.8]],
  ] as Array<[number, [number, number, number, number]]>) {
    tl(`map timeline (month) of a zoom-${zoom} viewport`, { bbox }, 'month');
  }
  tl('map timeline (month), zoom-5 viewport, 2020-03-15 to 2023-06-30', { bbox: [-12.3, 10.1, 4.3, 25.0], from: '2020-03-15', to: '2023-06-30' }, 'month');
  for (const level of ['country', 'admin1'] as const) {
    out.push({ name: `by-area, ${level}, whole store`, before: () => byAreaOfRows(d, nf({}), level), after: () => repo.byArea({}, level) });
  }
  out.push({ name: 'by-area, admin1, 2020-03-15 to 2023-06-30', before: () => byAreaOfRows(d, nf({ from: '2020-03-15', to: '2023-06-30' }), 'admin1'), after: () => repo.byArea({ from: '2020-03-15', to: '2023-06-30' }, 'admin1') });
  out.push({ name: 'count, whole store', before: () => d.countRows(nf({})), after: () => repo.count({}) });
  tl('timeline, month, country MLI', { country: 'MLI' }, 'month');
  out.push({ name: 'count, country MLI, 2020-03-15 to 2023-06-30', before: () => d.countRows(nf({ country: 'MLI', from: '2020-03-15', to: '2023-06-30' })), after: () => repo.count({ country: 'MLI', from: '2020-03-15', to: '2023-06-30' }) });
  out.push({ name: 'by-area, admin1, country MLI', before: () => byAreaOfRows(d, nf({ country: 'MLI' }), 'admin1'), after: () => repo.byArea({ country: 'MLI' }, 'admin1') });
  // Filters no tally answers (other than dates, countries and a box): still the rows, before and now.
  tl('timeline, week, country MLI (rows: no tally)', { country: 'MLI' }, 'week');
  out.push({ name: 'by-area, admin1, kind terrorist_attack (rows: no tally)', before: () => byAreaOfRows(d, nf({ kind: 'terrorist_attack' }), 'admin1'), after: () => repo.byArea({ kind: 'terrorist_attack' }, 'admin1') });
  out.push({ name: 'count, kind terrorist_attack (rows: no tally)', before: () => d.countRows(nf({ kind: 'terrorist_attack' })), after: () => repo.count({ kind: 'terrorist_attack' }) });
  out.push({ name: 'count, 2020-03-15 to 2023-06-30', before: () => d.countRows(nf({ from: '2020-03-15', to: '2023-06-30' })), after: () => repo.count({ from: '2020-03-15', to: '2023-06-30' }) });
  return out;
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; max: number; answer: unknown }> {
  const answer = await fn(); // warm-up
  const ms: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)]!, max: ms.at(-1)!, answer };
}

const f2 = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

async function main(): Promise<void> {
  const lines: string[] = [];
  for (const dialect of STORES) {
    const config: StoreConfig = dialect === 'sqlite' ? { dialect, path: `${OUT}mixed-${label}.db` } : { dialect, url: PG_URL, schema: `bench_mixed_${label}` };
    const database = openDatabase(config);
    try {
      const t0 = performance.now();
      const m = await migrate(database);
      if (m.applied.length) process.stderr.write(`${dialect}: migrations ${m.applied.join(', ')} applied in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      const ctx: RepositoryContext = { db: database.db, database, inTransaction: false };
      const repo = new IncidentRepository(ctx);
      const d = database.dialect === 'sqlite' ? new SqliteIncidents(ctx, database.raw) : new PostgresIncidents(ctx, database.raw);
      const n = await repo.count({});
      lines.push('', `${dialect}, ${n.toLocaleString('en')} incidents, p50 (max) of ${RUNS} runs, ms:`, '', '| query | from the rows (before) | now (tallies where they answer) | same answer |', '|---|---:|---:|---|');
      for (const q of queries(repo, d).filter((x) => x.name.includes(ONLY))) {
        const before = await time(q.before);
        const after = await time(q.after);
        const same = isDeepStrictEqual(before.answer, after.answer);
        lines.push(`| ${q.name} | ${f2(before.p50)} (${f2(before.max)}) | ${f2(after.p50)} (${f2(after.max)}) | ${same ? 'yes' : '**NO**'} |`);
        process.stderr.write(`${lines.at(-1)}\n`);
        if (!same) process.exitCode = 1;
      }
    } finally {
      await closeDatabase(database);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
