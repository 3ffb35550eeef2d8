import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assess, compileCharters } from '../../src/charter/engine.ts';
import { loadCharters } from '../../src/charter/loader.ts';
import { gridInputs, ucdpInputs, type EngineInput } from './engine-inputs.ts';

/**
 * The engine's answers (triggered, not triggered, every trace, conflicts), in English and
 * French, traces on and off, over a generated grid and every real UCDP event, as recorded
 * from the engine before its simplification (Dec 2026): the simplified engine must give
 * every one of them, byte for byte. Recorded as one digest per slice of 64 inputs, so a
 * difference names the inputs it lies among. FOEDUS_WRITE_ENGINE_ANSWERS=1 records anew
 * (only for an intended change of the answers, said in the commit).
 */

const FIXTURE = fileURLToPath(new URL('./engine-answers.json', import.meta.url));
const SLICE = 64;
const compiled = compileCharters(loadCharters(fileURLToPath(new URL('../../charters/', import.meta.url))));

interface Recorded { inputs: number; slices: string[] }

function answer(input: EngineInput): string {
  const h = createHash('sha256');
  for (const lang of ['en', 'fr'] as const) {
    for (const trace of [true, false]) h.update(JSON.stringify(assess(input.incident, compiled, input.at, { lang, trace })));
  }
  return h.digest('hex');
}

function record(inputs: EngineInput[]): Recorded {
  const slices: string[] = [];
  for (let i = 0; i < inputs.length; i += SLICE) {
    const h = createHash('sha256');
    for (const input of inputs.slice(i, i + SLICE)) h.update(answer(input));
    slices.push(h.digest('hex').slice(0, 16));
  }
  return { inputs: inputs.length, slices };
}

function compare(name: string, inputs: EngineInput[], recorded: Recorded): void {
  const now = record(inputs);
  expect(now.inputs, `${name}: number of inputs`).toBe(recorded.inputs);
  const differ = now.slices.flatMap((s, i) => (s === recorded.slices[i] ? [] : [i]));
  const where = differ.slice(0, 3).map((i) => `${inputs[i * SLICE]!.name} … ${inputs[Math.min(inputs.length, (i + 1) * SLICE) - 1]!.name}`);
  expect(where, `${name}: ${differ.length} of ${now.slices.length} slices answer otherwise`).toEqual([]);
}

describe('the engine answers as recorded', async () => {
  const grid = gridInputs();
  const ucdp = await ucdpInputs();
  const write = process.env.FOEDUS_WRITE_ENGINE_ANSWERS === '1';
  if (write || !existsSync(FIXTURE)) {
    if (!write) throw new Error(`${FIXTURE} is missing: record it with FOEDUS_WRITE_ENGINE_ANSWERS=1 from the engine you trust`);
    writeFileSync(FIXTURE, `${JSON.stringify({ grid: record(grid), ucdp: record(ucdp) }, null, 1)}\n`);
  }
  const recorded = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { grid: Recorded; ucdp: Recorded };

  it(`over the generated grid (${grid.length.toLocaleString('en')} incidents × 2 languages × traces on/off)`, () => {
    expect(grid.length).toBeGreaterThan(50_000);
    compare('grid', grid, recorded.grid);
  }, 240_000);

  it(`over every real UCDP event shipped (${ucdp.length.toLocaleString('en')} assessments × 2 languages × traces on/off)`, () => {
    expect(ucdp.length).toBeGreaterThan(8_000);
    compare('ucdp', ucdp, recorded.ucdp);
  }, 120_000);
});
