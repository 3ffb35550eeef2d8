import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UCDP_COLUMNS } from '../../src/incident/ucdp/wire.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { col, csvLine, realRows } from '../import/fixtures.ts';
import { sampleIncident, startTestServer, type TestServer } from './helpers.ts';

/**
 * Values the API accepts fit both stores (issue 18): a NUL character or a lone surrogate in
 * any text, parameter or path is a 400 naming the field (PostgreSQL answered 500); fatalities
 * are bounded so every sum holds; one absurd row of an import is rejected alone, and so is one
 * JSON or GeoJSON element longer than 1 MiB (the reader does not hold it).
 */
describe.each(DIALECTS)('input bounds (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s?.close());

  it('refuses NUL and lone surrogates in bodies, queries and paths with a 400 naming the field', async () => {
    const nul = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident(), notes: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body.error).toMatchObject({ code: 'invalid_text', message: 'body.notes contains a NUL character: send text without it.' });
    // A lone surrogate, as JSON escapes it.
    const lone = await s.api('POST', '/api/v1/incidents', { body: '{"incident":' + JSON.stringify(sampleIncident()) + ',"placeName":"Tillab\\ud800ri"}', headers: { 'content-type': 'application/json' } });
    expect(lone.status).toBe(400);
    expect(lone.body.error.message).toMatch(/body.placeName contains a lone UTF-16 surrogate/);
    expect((await s.api('GET', '/api/v1/incidents?q=a%00b')).status).toBe(400);
    expect((await s.api('GET', '/api/v1/incidents/ucdp_ged%3A1%00')).status).toBe(400);
    // An ordinary accented or emoji text passes.
    const ok = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident(), notes: 'Ménaka 🇲🇱' } });
    expect(ok.status).toBe(201);
  });

  it('bounds fatalities to what both stores and their sums hold', async () => {
    const big = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ fatalities: 2147483648 }) } });
    expect(big.status).toBe(400);
    expect(big.text).toMatch(/at most 1,000,000/);
    expect((await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ fatalities: 1_000_000 }) } })).status).toBe(201);
    expect((await s.api('GET', '/api/v1/incidents/timeline?interval=year', { as: 'observer' })).status).toBeLessThan(500);
    expect((await s.api('GET', '/api/v1/incidents/by-area', { as: 'observer' })).status).toBe(200);
  });

  it('rejects one UCDP row with 3,000,000,000 deaths alone, importing the others', async () => {
    const rows = realRows().slice(10, 14).map((r) => [...r]);
    rows[1]![col.best_est] = '3000000000';
    const form = new FormData();
    form.append('format', 'ucdp');
    form.append('file', new Blob([`${UCDP_COLUMNS.join(',')}\n${rows.map(csvLine).join('')}`], { type: 'text/csv' }), 'big.csv');
    const r = await s.api('POST', '/api/v1/imports', { body: form });
    expect(r.status).toBe(202);
    await s.app.foedus.jobs.idle();
    const job = await s.api('GET', `/api/v1/imports/${r.body.job.id}`);
    expect(job.body.status).toBe('done');
    expect(job.body.progress).toMatchObject({ rows: 4, imported: 3, rejected: 1 });
    expect(job.body.summary.rejections[0]).toMatchObject({ column: 'best_est' });
  });

  it('rejects a JSON or GeoJSON element longer than 1 MiB at its line, importing the elements after it', async () => {
    const upload = async (name: string, text: string) => {
      const form = new FormData();
      form.append('file', new Blob([text], { type: 'application/json' }), name);
      const r = await s.api('POST', '/api/v1/imports', { body: form });
      expect(r.status).toBe(202);
      await s.app.foedus.jobs.idle();
      return (await s.api('GET', `/api/v1/imports/${r.body.job.id}`)).body;
    };
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const incident = (id: string, notes?: string) => JSON.stringify({ id, date: '2024-03-01', kind: 'terrorist_attack', location: { lat: 14.5, lon: 0.9 }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'civilians' }, ...(notes ? { notes } : {}) });
    const json = await upload('long.json', `[\n${incident('long-1')},\n${incident('long-2', huge)},\n${incident('long-3')}\n]\n`);
    expect(json).toMatchObject({ status: 'done', format: 'incident', progress: { rows: 3, imported: 2, rejected: 1 } });
    expect(json.summary.rejections).toEqual([expect.objectContaining({ line: 3, reason: expect.stringMatching(/^element longer than 1,048,576 characters/) })]);
    expect((await s.api('GET', '/api/v1/incidents/incident_json:long-3')).status).toBe(200);

    const feature = (id: string, note?: string) => JSON.stringify({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [2.1, 13.5] }, properties: { date: '2024-01-06', kind: 'armed_attack', perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces' }, fatalities: 2, ...(note ? { notes: note } : {}) } });
    const geo = await upload('long.geojson', `{"type": "FeatureCollection", "features": [\n${feature('long-g1', huge)},\n${feature('long-g2')}\n]}\n`);
    expect(geo).toMatchObject({ status: 'done', format: 'geojson', progress: { rows: 2, imported: 1, rejected: 1 } });
    expect(geo.summary.rejections).toEqual([expect.objectContaining({ line: 2, reason: expect.stringMatching(/^element longer than 1,048,576 characters/) })]);
  });
});
