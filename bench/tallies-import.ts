/**
 * What the tallies kept on write (migration 14) cost an import: the same generated UCDP file imported
 * as `foedus import` does it (BULK_BATCH_SIZE, BULK_CACHE_MIB) into a fresh store, with the tallies, and
 * without them (the store as it was before migration 14: its triggers dropped, the cells index as
 * version 1 made it).
 *
 *   npx tsx bench/tallies-import.ts [--rows 120000] [--store sqlite,postgres] [--variants with,without]
 *
 * The file is bench/out/ucdp-<rows>.csv (`npx tsx bench/generate-ucdp.ts --rows N --out …`, or made by
 * bench/mixed.ts). The stores are bench/out/tallies-<variant>-<rows>.db and the PostgreSQL schemas
 * bench_tallies_<variant>_<rows>, deleted after each import.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BULK_BATCH_SIZE, BULK_CACHE_MIB, runImport } from '../src/import/pipeline.ts';
import { closeDatabase, openDatabase, type StoreConfig } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { openStore } from '../src/store/store.ts';
import { arg } from './args.ts';
import { PG_URL, pgAdmin } from './serve.ts';

const ROWS = Number(arg('rows', '120000'));
const STORES = arg('store', 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const VARIANTS = arg('variants', 'with,without').split(',') as Array<'with' | 'without'>;
const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const label = ROWS % 1_000_000 === 0 ? `${ROWS / 1_000_000}m` : String(ROWS);
const CSV = `${OUT}ucdp-${label}.csv`;

/** Undoes migration 14's write side: its triggers, and the cells index as version 1 made it. */
const WITHOUT: Record<'sqlite' | 'postgres', string[]> = {
  sqlite: [
    ...['insert', 'update', 'delete'].map((op) => `drop trigger incidents_tallies_${op}`),
    `drop index incidents_cells`,
    `create index incidents_cells on incidents (morton, lat, lon, date, coarse)`,
  ],
  postgres: [
    ...['insert', 'update', 'delete'].map((op) => `drop trigger incidents_tallies_${op} on incidents`),
    `drop index incidents_cells`,
    `create index incidents_cells on incidents (morton) include (lat, lon, date, coarse, id)`,
  ],
};

/** Wall seconds and this process's CPU seconds (the parser worker's included; PostgreSQL's own not). */
type Took = { wall: number; cpu: number };

async function importOnce(dialect: 'sqlite' | 'postgres', variant: 'with' | 'without'): Promise<Took> {
  const schema = `bench_tallies_${variant}_${label}`;
  const config: StoreConfig = dialect === 'sqlite' ? { dialect, path: `${OUT}tallies-${variant}-${label}.db` } : { dialect, url: PG_URL, schema };
  const clean = async () => {
    if (config.dialect === 'sqlite') for (const f of ['', '-wal', '-shm']) rmSync(config.path + f, { force: true });
    else await pgAdmin(`drop schema if exists ${schema} cascade`);
  };
  await clean();
  if (config.dialect === 'postgres') await pgAdmin(`create schema ${schema}`);
  const database = openDatabase(config);
  try {
    await migrate(database);
    if (variant === 'without') {
      for (const s of WITHOUT[dialect]) {
        if (database.dialect === 'sqlite') database.raw.exec(s);
        else await database.raw.query(s);
      }
    }
  } finally {
    await closeDatabase(database);
  }
  const store = await openStore(config.dialect === 'sqlite' ? { ...config, cacheMiB: BULK_CACHE_MIB } : config);
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const s = await runImport({ source: CSV, format: 'ucdp', store, actor: 'bench', batchSize: BULK_BATCH_SIZE });
    const c = process.cpuUsage(c0);
    const took = { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
    process.stderr.write(`${dialect}, ${variant} tallies: ${s.imported.toLocaleString('en')} imported in ${took.wall.toFixed(1)} s (CPU ${took.cpu.toFixed(1)} s)\n`);
    return took;
  } finally {
    await store.close();
    await clean();
  }
}

async function main(): Promise<void> {
  const lines = [`| store | ${VARIANTS.map((v) => `${v} the tallies: wall s (CPU s)`).join(' | ')} |`, `|---|${VARIANTS.map(() => '---:').join('|')}|`];
  for (const dialect of STORES) {
    const times: Took[] = [];
    for (const v of VARIANTS) times.push(await importOnce(dialect, v));
    lines.push(`| ${dialect}, ${ROWS.toLocaleString('en')} rows | ${times.map((t) => `${t.wall.toFixed(1)} (${t.cpu.toFixed(1)})`).join(' | ')} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
