import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { IncidentRecord } from './record.ts';
import { readJsonElements, type JsonElement, type JsonStreamOptions } from './jsonstream.ts';
import { isItemError, readIncidentJson, type ItemError } from './json.ts';
import { readGeojson } from './geojson/mapper.ts';

/** A real instant: the record dates are checked against it. */
const NOW = '2026-01-01T00:00:00.000Z';

async function elements(chunks: (string | Buffer)[], opts: JsonStreamOptions): Promise<JsonElement[]> {
  const out: JsonElement[] = [];
  for await (const e of readJsonElements(Readable.from(chunks), opts)) out.push(e);
  return out;
}
const bytewise = (s: string): Buffer[] => [...Buffer.from(s, 'utf8')].map((b) => Buffer.from([b]));

describe('readJsonElements', () => {
  const doc = '[\n {"a": "x]},\\"[{", "n": [1, {"b": 2}]},\n 3,\n "str",\n {"é": "Ségou"}\n]\n';
  it('splits an array into elements whatever the chunking, with start lines', async () => {
    for (const chunks of [[doc], doc.split(''), bytewise(doc)]) {
      const out = await elements(chunks, { mode: 'array', file: 'f' });
      expect(out.map((e) => e.value)).toEqual([{ a: 'x]},"[{', n: [1, { b: 2 }] }, 3, 'str', { é: 'Ségou' }]);
      expect(out.map((e) => [e.index, e.line])).toEqual([[0, 2], [1, 3], [2, 4], [3, 5]]);
    }
  });

  it('takes one lone object, or objects one per line', async () => {
    expect(await elements(['{"a": 1}'], { mode: 'array', file: 'f' })).toEqual([{ index: 0, line: 1, lone: true, value: { a: 1 } }]);
    const nd = await elements(['{"a": 1}\n{"a": 2}\n'], { mode: 'array', file: 'f' });
    expect(nd.map((e) => [e.index, e.line, e.value])).toEqual([[0, 1, { a: 1 }], [1, 2, { a: 2 }]]);
  });

  it('reports a malformed element and goes on', async () => {
    const out = await elements(['[{"a": 1,}, {"a": 2}]'], { mode: 'array', file: 'f' });
    expect(out[0]!.error).toMatch(/^not valid JSON/);
    expect(out[1]).toMatchObject({ index: 1, value: { a: 2 } });
  });

  it('rejects truncated and non-JSON input', async () => {
    await expect(elements(['[{"a": 1}, {"a"'], { mode: 'array', file: 'f' })).rejects.toThrow(/f:1: the JSON ends early/);
    await expect(elements(['hello'], { mode: 'array', file: 'f' })).rejects.toThrow(InputError);
    await expect(elements([''], { mode: 'array', file: 'f' })).rejects.toThrow(/f: the file is empty/);
  });

  it('skips an element longer than 1 MiB without holding it, reports it at its line, and goes on', async () => {
    // A 64 MiB element between two good ones, made and fed in 64 KiB chunks as an upload is read.
    const CHUNK = 65_536;
    const big = 64 * 1024 * 1024;
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    function* doc(): Generator<string> {
      yield '[\n{"a": 1},\n{"note": "';
      for (let n = 0; n < big; n += CHUNK) {
        if (n % (4 * 1024 * 1024) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        yield 'x'.repeat(CHUNK);
      }
      yield '"},\n{"a": 3}\n]\n';
    }
    const out: JsonElement[] = [];
    for await (const e of readJsonElements(Readable.from(doc()), { mode: 'array', file: 'f' })) out.push(e);
    expect(out.map((e) => [e.index, e.line, e.value ?? e.error])).toEqual([
      [0, 2, { a: 1 }],
      [1, 3, expect.stringMatching(/^element longer than 1,048,576 characters: Foedus reads elements of at most 1 MiB/)],
      [2, 4, { a: 3 }],
    ]);
    // Held whole, the element would be 64 MB of text here; bounded, a megabyte or two (and garbage not yet collected).
    expect(peak).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a FeatureCollection whose other members pass 1 MiB', async () => {
    const doc = `{"type": "FeatureCollection", "name": "${'n'.repeat(2 * 1024 * 1024)}", "features": []}`;
    await expect(elements([doc], { mode: 'features', file: 'g.geojson' })).rejects.toMatchObject({ code: 'record_too_large', where: 'g.geojson:1' });
  });

  it('streams the features of a FeatureCollection, whatever the member order', async () => {
    let outer: Record<string, unknown> | null = null;
    const fc = '{"features": [{"type": "Feature", "properties": {"features": [9]}, "geometry": null}], "name": "x", "type": "FeatureCollection"}';
    const out = await elements(fc.split(''), { mode: 'features', file: 'f', onOuter: (o) => (outer = o) });
    expect(out).toHaveLength(1);
    expect(out[0]!.value).toEqual({ type: 'Feature', properties: { features: [9] }, geometry: null });
    expect(outer).toEqual({ features: [], name: 'x', type: 'FeatureCollection' });
  });
});

describe('readIncidentJson / readGeojson (streaming)', () => {
  const inc = { date: '2023-08-15', kind: 'terrorist_attack', location: { lat: 14.35, lon: 1.45 }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' } };
  it('maps a streamed incident array, naming the line of a bad element', async () => {
    const text = `[\n${JSON.stringify(inc)},\n${JSON.stringify({ ...inc, kind: 'war' })}\n]`;
    const out: (IncidentRecord | ItemError)[] = [];
    for await (const r of readIncidentJson(Readable.from(text.split('')), NOW, 'a.json')) out.push(r);
    expect(isItemError(out[0]!)).toBe(false);
    expect(out[1]).toMatchObject({ index: 1, line: 3, path: '[1].kind', where: 'a.json:3: [1].kind' });
    expect((out[1] as ItemError).reason).toMatch(/^kind: /);
  });

  it('maps a streamed FeatureCollection and refuses another GeoJSON type at the end', async () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', id: 'a', geometry: { type: 'Point', coordinates: [1.45, 14.35] }, properties: inc }] };
    const out: (IncidentRecord | ItemError)[] = [];
    for await (const r of readGeojson(Readable.from([JSON.stringify(fc, null, 1)]), NOW, 'b.geojson')) out.push(r);
    expect((out[0] as IncidentRecord).id).toBe('geojson:a');
    const wrong = JSON.stringify({ type: 'GeometryCollection', features: [], geometries: [] });
    const go = async () => { for await (const _ of readGeojson(Readable.from([wrong]), NOW, 'c.geojson')) void _; };
    await expect(go()).rejects.toThrow(/^c\.geojson: expected a GeoJSON FeatureCollection .* got a GeoJSON GeometryCollection$/);
    const none = async () => { for await (const _ of readGeojson(Readable.from(['{"type": "Feature", "geometry": null}']), NOW, 'd.geojson')) void _; };
    await expect(none()).rejects.toThrow(/d\.geojson: expected a GeoJSON FeatureCollection/);
  });
});
