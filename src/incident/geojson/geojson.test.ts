import { describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../record.ts';
import type { ItemError } from '../json.ts';
import { isItemError } from '../json.ts';
import { mapGeojson, parseGeojsonText } from './mapper.ts';

const NOW = '2026-11-28T05:00:00.000Z';
const props = { date: '2023-08-15', kind: 'terrorist_attack', perpetrator: { type: 'non_state_armed_group', name: 'JNIM' }, target: { type: 'armed_forces', country: 'BFA' }, fatalities: 4 };
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('GeoJSON → records', () => {
  it('maps a Point feature: coordinates are [lon, lat], country derived', () => {
    const [r] = mapGeojson(fc({ type: 'Feature', id: 'evt-1', geometry: point(-1.5197, 12.3714), properties: { ...props, name: 'Ouagadougou', description: 'test event' } }), NOW, 'a.geojson') as IncidentRecord[];
    expect(r!.id).toBe('geojson:evt-1');
    expect(r!.incident).toMatchObject({ location: { country: 'BFA', lat: 12.3714, lon: -1.5197 }, kind: 'terrorist_attack', fatalities: 4 });
    expect(r).toMatchObject({ source: { dataset: 'geojson', id: 'evt-1' }, placeName: 'Ouagadougou', notes: 'test event', admin1Derived: 'Kadiogo' });
    expect(r!.reports[0]!.raw).toMatchObject({ id: 'evt-1', type: 'Feature' });
  });

  it('accepts flat property names and numeric ids; hashes features without id', () => {
    const flat = { type: 'Feature', geometry: point(2.1254, 13.5116), properties: { date: '2023-07-26', kind: 'coup', perpetrator_type: 'unknown', target_type: 'government', target_country: 'NER', assistance_requested_by: 'NER,MLI' } };
    const out = mapGeojson(fc(flat, { ...flat, id: 7 }, flat), NOW) as IncidentRecord[];
    expect(out[0]!.incident).toMatchObject({ kind: 'coup', target: { type: 'government', country: 'NER' }, assistance_requested_by: ['NER', 'MLI'], location: { country: 'NER' } });
    expect(out[0]!.id).toMatch(/^geojson:[0-9a-f]{16}$/);
    expect(out[2]!.id).toBe(out[0]!.id); // same content → same id: re-import is idempotent
    expect(out[1]!.id).toBe('geojson:7');
  });

  it('rejects non-Point geometries with a reason and the feature index', () => {
    const poly = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, properties: props };
    const out = mapGeojson(fc({ type: 'Feature', geometry: point(-1.5, 12.4), properties: props }, poly), NOW, 'b.geojson');
    expect(isItemError(out[0]!)).toBe(false);
    expect(out[1]).toEqual({
      index: 1, line: 0, path: 'features[1].geometry.type', where: 'b.geojson: features[1].geometry.type',
      reason: 'geometry is a Polygon; an incident is imported as a Point at its location (coordinates [longitude, latitude])',
    });
  });

  it('points out [lat, lon] written the wrong way round', () => {
    // Ouagadougou given as [lat, lon]; the country says BFA.
    const out = mapGeojson(fc({ type: 'Feature', geometry: point(12.3714, -1.5197), properties: { ...props, country: 'BFA' } }), NOW, 'c.geojson');
    const err = out[0] as ItemError;
    expect(err.where).toBe('c.geojson: features[0].geometry');
    expect(err.reason).toMatch(/^coordinates look swapped \(lat -1\.5197, lon 12\.3714 lies in Gabon; did you mean lat 12\.3714, lon -1\.5197\?\); GeoJSON coordinates are \[longitude, latitude\]$/);
  });

  it('reports bad coordinates, bad properties and non-features', () => {
    const out = mapGeojson(fc(
      { type: 'Feature', geometry: { type: 'Point', coordinates: [1] }, properties: props },
      { type: 'Feature', geometry: point(1, 95), properties: props },
      { type: 'Feature', geometry: point(-1.5, 12.4), properties: { ...props, kind: 'invasion' } },
      { type: 'Feature', geometry: null, properties: props },
      { type: 'Feature', geometry: null, properties: { ...props, country: 'MLI' } },
      { type: 'Point', coordinates: [1, 2] },
      { type: 'Feature', geometry: point(-1.5, 12.4), properties: { ...props, country: 'BFA', location: { country: 'MLI' } } },
    ), NOW);
    const errs = out.map((r) => (isItemError(r) ? `${r.where} | ${r.reason}` : 'ok'));
    expect(errs[0]).toMatch(/^input: features\[0\]\.geometry\.coordinates \| a Point needs coordinates \[longitude, latitude\]/);
    expect(errs[1]).toMatch(/^input: features\[1\]\.geometry\.coordinates \| location\.lat: latitude must be between -90 and 90/);
    expect(errs[2]).toMatch(/^input: features\[2\]\.properties\.kind \| kind: /);
    expect(errs[3]).toMatch(/^input: features\[3\]\.geometry \| a location needs a country \(ISO3\) or lat and lon/);
    expect(errs[4]).toBe('ok');
    expect(errs[5]).toMatch(/^input: features\[5\] \| not a GeoJSON Feature/);
    expect(errs[6]).toMatch(/^input: features\[6\]\.properties\.country \| properties\.country \("BFA"\) disagrees with properties\.location\.country \("MLI"\)/);
  });

  it('rejects what is not a FeatureCollection', () => {
    expect(() => mapGeojson({ type: 'Feature', geometry: null, properties: {} }, NOW, 'd.geojson')).toThrow(/^d\.geojson: expected a GeoJSON FeatureCollection .* got a GeoJSON Feature$/);
    expect(() => parseGeojsonText('nope', NOW, 'e.geojson')).toThrow(/^e\.geojson: not valid JSON/);
  });
});
