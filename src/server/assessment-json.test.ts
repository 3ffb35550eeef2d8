import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assess, compileCharters } from '../charter/engine.ts';
import { loadCharters } from '../charter/loader.ts';
import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES, type Incident } from '../incident/incident.ts';
import { assessmentJson } from './assessment-json.ts';

const compiled = compileCharters(loadCharters(fileURLToPath(new URL('../../charters', import.meta.url))));

// Places on both sides of the treaties' edges: AES parties, an ECOWAS member, a NATO member, elsewhere.
const PLACES: Array<{ country: string; lat: number; lon: number; perpetrator?: string }> = [
  { country: 'NER', lat: 13.51, lon: 2.11, perpetrator: 'NGA' },
  { country: 'MLI', lat: 15.9, lon: 2.4, perpetrator: 'DZA' },
  { country: 'BFA', lat: 12.37, lon: -1.52, perpetrator: 'CIV' },
  { country: 'SEN', lat: 14.7, lon: -17.45, perpetrator: 'MLI' },
  { country: 'FRA', lat: 48.86, lon: 2.35, perpetrator: 'RUS' },
  { country: 'USA', lat: 40.71, lon: -74.01, perpetrator: 'CUB' },
];
const DAYS = ['1995-06-01', '2001-09-11', '2023-09-15', '2023-10-05', '2024-07-27', '2025-02-01'];

function* incidents(): Generator<Incident> {
  for (const kind of INCIDENT_KINDS) for (const p of PERPETRATOR_TYPES) for (const target of TARGET_TYPES) {
    for (const place of PLACES) for (const date of DAYS) {
      yield {
        date,
        kind,
        location: { country: place.country, lat: place.lat, lon: place.lon },
        perpetrator: p === 'state' ? { type: p, country: place.perpetrator! } : { type: p },
        target: { type: target, country: place.country },
        assistance_requested_by: date === '2023-10-05' ? [place.country] : [],
      } as Incident;
    }
  }
}

describe('assessmentJson', () => {
  it('writes exactly what JSON.stringify writes, for fresh and for shared (cached) results, in both languages, traces on and off', () => {
    let n = 0;
    let triggered = 0;
    for (const lang of ['en', 'fr'] as const) for (const trace of [true, false]) {
      for (let round = 0; round < 2; round++) for (const incident of incidents()) {
        const result = assess(incident, compiled, undefined, { lang, trace });
        const text = assessmentJson(result).toString('utf8');
        if (text !== JSON.stringify(result)) expect(text).toBe(JSON.stringify(result));
        n++;
        if (result.triggered.length) triggered++;
      }
    }
    expect(n).toBeGreaterThan(10_000);
    expect(triggered).toBeGreaterThan(1_000); // the cases that matter are covered, not just empty answers
  });

  it('serialises a list that is not frozen every time (never a stale text)', () => {
    const result = { ...assess([...incidents()][0]!, compiled), conflicts: [] as never[] };
    const first = assessmentJson(result).toString('utf8');
    (result.conflicts as unknown[]).push({ parties: ['NER'], between: [], explanation: 'x' });
    expect(assessmentJson(result).toString('utf8')).not.toBe(first);
    expect(assessmentJson(result).toString('utf8')).toBe(JSON.stringify(result));
  });

  it('writes any JSON value like JSON.stringify: non-ASCII text short and long, undefined fields, answers past the 64 KiB scratch', () => {
    const shared = Object.freeze({ detail: 'Côte d’Ivoire — «Liptako-Gourma»', n: 1.5, list: Object.freeze(['é', 'a'.repeat(40), null]) });
    const big = {
      at: '2024-03-10',
      triggered: Array.from({ length: 400 }, (_, i) => ({ charter: `aes-${i}`, note: i % 2 ? 'Niamey, Niger' : 'Ouagadougou — Burkina Faso', skip: undefined, shared })),
      not_triggered: [shared, shared],
      conflicts: [{ explanation: '𝔄 astral \u2028 "quoted"\n', nested: { deep: [1, -0, 2e21, true, false] } }],
    } as unknown as Parameters<typeof assessmentJson>[0];
    const want = JSON.stringify(big);
    expect(want.length).toBeGreaterThan(64 * 1024);
    expect(assessmentJson(big).toString('utf8')).toBe(want);
    expect(assessmentJson(big).toString('utf8')).toBe(want); // the second time from kept bytes
  });

  it('writes short strings needing escapes exactly as JSON.stringify does', () => {
    const strings = ['', 'MLI', '"', 'a\\b', '\x7f', '\x1f', '\x00', 'tab\there', 'é', '\u2028', '\ud800', 'x'.repeat(32), `${'x'.repeat(31)}"`];
    const answer = { at: '2024-01-01', triggered: strings.map((s) => ({ charter: s, list: [s] })), not_triggered: [], conflicts: [] } as unknown as Parameters<typeof assessmentJson>[0];
    expect(assessmentJson(answer).toString('utf8')).toBe(JSON.stringify(answer));
  });

  it('gives every answer bytes of its own: later answers never change an earlier one', () => {
    const all = [...incidents()].slice(0, 400);
    const first = assessmentJson(assess(all[0]!, compiled));
    const copy = Buffer.from(first);
    for (const incident of all) assessmentJson(assess(incident, compiled));
    expect(first.equals(copy)).toBe(true);
  });

  it('keeps the bytes of a shared part right when the answer moves to a larger buffer while writing it', () => {
    // A frozen part of ~600 KB: written at its second sighting, it outgrows the slab's free space
    // mid-part, so the answer moves; the bytes kept must be the part's, read in the third answer.
    const part = Object.freeze({ rows: Object.freeze(Array.from({ length: 6000 }, (_, i) => `row ${i} — ${'x'.repeat(80)}`)) });
    const answer = (n: number) => ({ at: `2024-01-0${n}`, triggered: [], not_triggered: [part, { n }], conflicts: [] }) as unknown as Parameters<typeof assessmentJson>[0];
    for (let n = 1; n <= 3; n++) {
      const want = JSON.stringify(answer(n));
      expect(want.length).toBeGreaterThan(512 * 1024);
      expect(assessmentJson(answer(n)).toString('utf8')).toBe(want);
    }
    // and small answers after it still come out right
    const small = assess([...incidents()][5]!, compiled);
    expect(assessmentJson(small).toString('utf8')).toBe(JSON.stringify(small));
  });
});
