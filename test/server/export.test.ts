import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { makeRecord } from '../../src/store/incidents/fixtures.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { startTestServer, type TestServer } from './helpers.ts';

/** `GET /api/v1/incidents/export`: streamed, filtered like the list, the same bytes as `foedus incidents export`. */

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    expect(await main(['node', 'foedus', ...args])).toBe(0);
    return out.join('');
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = before;
  }
}

describe.each(DIALECTS)('incidents export on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
    await s.store.incidents.upsertMany([
      makeRecord({ id: 'ucdp_ged:1', date: '2024-03-01', country: 'MLI', lat: 14.5, lon: -4.2, kind: 'terrorist_attack', notes: 'Ambush near Boni, "heavy" losses' }),
      makeRecord({ id: 'ucdp_ged:2', date: '2023-04-01', country: 'BFA', lat: 12.3, lon: -1.5, kind: 'terrorist_attack' }),
      makeRecord({ id: 'ucdp_ged:3', date: '2022-01-01', country: 'NER', lat: null, lon: null, precision: 'country' }),
      ...Array.from({ length: 600 }, (_, k) => makeRecord({ id: `ucdp_ged:${100 + k}`, date: '2021-06-01', country: 'MLI', lat: 15 + k / 1000, lon: -2 })),
    ]);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('streams CSV of the filter (chunked, as an attachment), one row per counted incident', async () => {
    const r = await s.api('GET', '/api/v1/incidents/export?format=csv&country=MLI', { as: 'observer' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    expect(r.headers.get('content-length')).toBeNull();
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="foedus-incidents-\d{4}-\d\d-\d\d\.csv"/);
    const lines = r.text.trimEnd().split('\n');
    expect(lines[0]!.startsWith('id,date,date_end,')).toBe(true);
    const count = (await s.api('GET', '/api/v1/incidents/count?country=MLI')).body.count;
    expect(count).toBe(601);
    expect(lines.length - 1).toBe(count);
    expect(r.text).toContain('"Ambush near Boni, ""heavy"" losses"');
    expect(r.text).not.toContain('ucdp_ged:2,');
  });

  it('streams GeoJSON with null geometry where there is no point', async () => {
    const r = await s.api('GET', '/api/v1/incidents/export?format=geojson&country=NER,BFA');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(r.body.type).toBe('FeatureCollection');
    const byId = Object.fromEntries(r.body.features.map((f: { id: string }) => [f.id, f]));
    expect(Object.keys(byId).sort()).toEqual(['ucdp_ged:2', 'ucdp_ged:3']);
    expect(byId['ucdp_ged:3'].geometry).toBeNull();
    expect(byId['ucdp_ged:2'].geometry).toEqual({ type: 'Point', coordinates: [-1.5, 12.3] });
    expect(r.body.attribution).toMatch(/UCDP/);
  });

  it('refuses a bad filter or format with a 400 naming it, and anonymous callers with a 401', async () => {
    const bad = await s.api('GET', '/api/v1/incidents/export?from=2024-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/2024-02-30/);
    expect((await s.api('GET', '/api/v1/incidents/export?format=xml')).status).toBe(400);
    expect((await s.api('GET', '/api/v1/incidents/export', { as: null })).status).toBe(401);
  });

  it.runIf(dialect === 'sqlite')('writes the same bytes as `foedus incidents export` for the same filter', async () => {
    expect(s.config.dialect).toBe('sqlite');
    const db = s.config.dialect === 'sqlite' ? s.config.path : '';
    for (const format of ['csv', 'geojson']) {
      const fromCli = await cli('incidents', 'export', '--db', db!, '--format', format, '--country', 'MLI,BFA', '--from', '2022-01-01');
      const fromApi = await s.api('GET', `/api/v1/incidents/export?format=${format}&country=MLI,BFA&from=2022-01-01`);
      expect(fromApi.text).toBe(fromCli);
      expect(fromApi.text.length).toBeGreaterThan(100);
    }
  });
});

