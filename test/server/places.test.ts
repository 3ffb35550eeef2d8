import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

/** GET /api/v1/places and /places/search: the map's place names and the place search, from the shipped gazetteer. */
describe('places API', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('sqlite'); });
  afterAll(async () => { await s?.close(); });

  it('finds Tillabéri typed without its accent, the town before the region, with alternate spellings', async () => {
    const r = await s.api('GET', '/api/v1/places/search?q=tillaberi', { as: 'observer' });
    expect(r.status).toBe(200);
    const [town, region] = r.body.places;
    expect(town).toMatchObject({ name: 'Tillabéri', country: 'NER', kind: 'town' });
    expect(town.lat).toBeCloseTo(14.207, 2);
    expect(town.lon).toBeCloseTo(1.454, 2);
    expect(region).toMatchObject({ name: 'Tillabéri', kind: 'admin1' });
    // GeoNames' alternate spelling "Tillabery" finds the same town.
    const alt = await s.api('GET', '/api/v1/places/search?q=TILLABERY', { as: 'observer' });
    expect(alt.body.places[0].id).toBe(town.id);
    const mli = await s.api('GET', '/api/v1/places/search?q=tillaberi&country=MLI', { as: 'observer' });
    expect(mli.body.places.map((p: { country: string }) => p.country)).not.toContain('NER');
  });

  it('names bigger places first and villages only when zoomed in', async () => {
    const aes = '-12,10,16,24';
    const wide = await s.api('GET', `/api/v1/places?bbox=${aes}&zoom=4&limit=20`, { as: 'observer' });
    const names = wide.body.places.map((p: { name: string }) => p.name);
    expect(names.slice(0, 3).sort()).toEqual(['Bamako', 'Niamey', 'Ouagadougou']);
    expect(wide.body.places.every((p: { minZoom: number }) => p.minZoom <= 4)).toBe(true);
    // Around Tillabéri town: at zoom 6 no village; at zoom 11 villages, still the town first.
    const near = '1.2,14.0,1.7,14.4';
    // A zoom-6 view around it is some 4° wide.
    const z6 = await s.api('GET', '/api/v1/places?bbox=-0.5,13,3.5,15.5&zoom=6', { as: 'observer' });
    expect(z6.body.places.some((p: { kind: string }) => p.kind === 'village')).toBe(false);
    const z11 = await s.api('GET', `/api/v1/places?bbox=${near}&zoom=11`, { as: 'observer' });
    expect(z11.body.places[0].name).toBe('Tillabéri');
    expect(z11.body.places.filter((p: { kind: string }) => p.kind === 'village').length).toBeGreaterThan(10);
    // Admin-1 names are an overview: between zoom 5 and 8 only.
    expect(z6.body.places.some((p: { kind: string }) => p.kind === 'admin1')).toBe(true);
    expect(z11.body.places.some((p: { kind: string }) => p.kind === 'admin1')).toBe(false);
  });

  it('refuses a bad box or an empty query with 400 and a reason, and anonymous callers with 401', async () => {
    const bad = await s.api('GET', '/api/v1/places?bbox=1,2,3&zoom=5', { as: 'observer' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/bbox must be four numbers/);
    expect((await s.api('GET', '/api/v1/places/search?q=%20', { as: 'observer' })).status).toBe(400);
    expect((await s.api('GET', '/api/v1/places/search?q=niamey', { as: null })).status).toBe(401);
  });
});
