import fc from 'fast-check';
import type { Dialect } from '../../src/store/database.ts';

/**
 * How many inputs each property tries: a few dozen in the normal suite (the whole folder
 * stays well under 30 s), `npm run fuzz` sets FOEDUS_FUZZ_RUNS=10000. A failure prints
 * fast-check's seed and path; FOEDUS_FUZZ_SEED replays it.
 *
 * On which stores: FOEDUS_FUZZ_STORE=sqlite, postgres or both (the default). In the normal suite
 * both stores share a property's few dozen inputs (half each), so running both costs no more time;
 * when fuzzing each store gets FOEDUS_FUZZ_RUNS.
 */
const asked = Math.floor(Number(process.env.FOEDUS_FUZZ_RUNS ?? 0));
export const RUNS = Number.isFinite(asked) && asked > 0 ? asked : 0;
export const FUZZING = RUNS > 0;

function stores(): Dialect[] {
  const v = (process.env.FOEDUS_FUZZ_STORE ?? 'both').trim().toLowerCase();
  if (v === 'sqlite' || v === 'postgres') return [v];
  if (v === 'both' || v === '') return ['sqlite', 'postgres'];
  throw new Error(`FOEDUS_FUZZ_STORE="${v}": say sqlite, postgres or both`);
}
export const FUZZ_STORES = stores();

export function runs(normal: number): number {
  return FUZZING ? RUNS : Math.max(10, Math.ceil(normal / FUZZ_STORES.length));
}

let store = '';
/** The store the next inputs go to (named in the counts). */
export function fuzzing(on: Dialect): void {
  store = on;
}
/** A test's time limit: the suite's 30 s normally, unbounded-enough when fuzzing. */
export function timeout(normal = 30_000): number {
  return FUZZING ? Math.max(normal, RUNS * 200) : normal;
}
export function params(normal: number): fc.Parameters<unknown> {
  const seed = process.env.FOEDUS_FUZZ_SEED;
  return { numRuns: runs(normal), ...(seed ? { seed: Number(seed) } : {}) };
}

/** Inputs tried per property, printed at the end of each file (the report's figures). */
export const tried = new Map<string, number>();
export function count(what: string): void {
  const name = store ? `${store} ${what}` : what;
  const n = (tried.get(name) ?? 0) + 1;
  tried.set(name, n);
  // A long run says where it is (stderr is shown as it comes).
  if (FUZZING && n % 2_000 === 0) process.stderr.write(`fuzz: ${name} ${n}/${RUNS}\n`);
}
export function report(file: string): void {
  const total = [...tried.values()].reduce((a, b) => a + b, 0);
  console.log(`${file}: ${total} inputs tried — ${[...tried].map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

/** Text that breaks parsers: any characters, and the ones CSV and JSON care about. */
export const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(',', '"', '\n', '\r', ';', '\t', ' ', 'a', '1', '.', '-', '{', '}', '[', ']', ':', '\\', '\u0000', '\uFEFF', 'é'), maxLength: 300 }),
);

/** Values a field should not get: wrong types, edges of numbers and dates, odd strings. */
export const oddScalar: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '-', 'NaN', 'Infinity', '-0', '1e999', '0x1F', '2024-02-30', '2024-13-01', '0000-00-00', '9999-12-31', '99999999', '-1', '1.5', 'null', 'true', '"', "'", '\n', 'MLI', 'XXX', '€', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
);
