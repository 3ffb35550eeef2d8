import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { admin1At, countryAt, pointInGeometry, splitAntimeridian } from './index.ts';
import type { FeatureCollection } from 'geojson';

describe('countryAt', () => {
  it.each<[string, number, number, string]>([
    ['Bamako', 12.6392, -8.0029, 'MLI'],
    ['Niamey', 13.5116, 2.1254, 'NER'],
    ['Ouagadougou', 12.3714, -1.5197, 'BFA'],
    // UCDP BFA event 501478 "Wakui village", coded in Burkina but at 3.66°E: inside Nigeria.
    ['UCDP 501478 (Wakui)', 11.955231, 3.658818, 'NGA'],
    // Ti-n-Zaouatene as UCDP places it (Mali events, e.g. id 13002): falls on the Algerian side.
    ['Ti-n-Zaouatene', 19.939288, 2.974957, 'DZA'],
    ['Paris', 48.8566, 2.3522, 'FRA'],
    ['Cayenne (French Guiana)', 4.9224, -52.3135, 'FRA'],
    ['Honolulu', 21.3069, -157.8583, 'USA'],
    ['Ikeja (Lagos)', 6.6018, 3.3515, 'NGA'],
    ['Tokyo', 35.6762, 139.6503, 'JPN'],
    // Polygons across the antimeridian in Natural Earth 1:50m.
    ['Chukotka, west of 180°', 68, 179.5, 'RUS'],
    ['Chukotka, east of 180°', 66, -172, 'RUS'],
    ['Vanua Levu (Fiji)', -16.5, 179.2, 'FJI'],
    ['Taveuni (Fiji), east of 180°', -16.85, -179.97, 'FJI'],
  ])('%s → %s (lat, lon, expected)', (_name, lat, lon, iso3) => {
    expect(countryAt(lat, lon)).toBe(iso3);
  });

  it('returns null for international waters', () => {
    expect(countryAt(0, -30)).toBeNull(); // mid-Atlantic
    expect(countryAt(14.5, -18.5)).toBeNull(); // off Dakar, outside the 10m coastline
    expect(countryAt(-40, 90)).toBeNull(); // Indian Ocean
  });

  it('returns null for non-finite input', () => {
    expect(countryAt(Number.NaN, 2)).toBeNull();
  });

  it('places the AES events of the real UCDP data in their own country ~99% of the time', () => {
    const text = readFileSync(new URL('../../../../shared/data/ucdp_ged_sahel/events_core.csv', import.meta.url), 'utf8');
    // events_core has multi-line quoted fields; we only need iso3/lat/lon, which sit before them: use the header indices on record starts.
    const lines = text.split('\n');
    const header = lines[0]!.split(',');
    const iIso = header.indexOf('iso3'), iLat = header.indexOf('latitude'), iLon = header.indexOf('longitude');
    let total = 0, own = 0;
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const iso = cells[iIso];
      if (iso !== 'MLI' && iso !== 'BFA' && iso !== 'NER') continue;
      const lat = Number(cells[iLat]), lon = Number(cells[iLon]);
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || cells.length !== header.length) continue;
      total++;
      if (countryAt(lat, lon) === iso) own++;
    }
    expect(total).toBeGreaterThan(1000);
    expect(own / total).toBeGreaterThan(0.98);
    expect(own).toBeLessThan(total); // some events really do sit across a border
  });
});

describe('admin1At', () => {
  it('names Malian and Nigerien regions', () => {
    expect(admin1At(12.6392, -8.0029)).toMatchObject({ name: 'Bamako', iso3: 'MLI' });
    expect(admin1At(13.5116, 2.1254)).toMatchObject({ name: 'Niamey', iso3: 'NER' });
    // Ménaka (post-2016 region) has no polygon: it falls in Gao.
    expect(admin1At(15.918, 2.4)?.name).toBe('Gao');
  });

  it('gives Burkina provinces with their region', () => {
    const hit = admin1At(12.3714, -1.5197);
    expect(hit).toMatchObject({ iso3: 'BFA', name: 'Kadiogo', regionCode: 'BF.03', regionName: 'Centre' });
    const djibo = admin1At(14.1, -1.63);
    expect(djibo).toMatchObject({ iso3: 'BFA', regionCode: 'BF.12', regionName: 'Sahel' });
  });

  it('covers neighbours and returns null outside', () => {
    expect(admin1At(11.955231, 3.658818)?.iso3).toBe('NGA');
    expect(admin1At(48.8566, 2.3522)).toBeNull();
    expect(admin1At(0, -30)).toBeNull();
  });
});

describe('pointInGeometry', () => {
  const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]] };
  it('honours holes and the lat, lon argument order', () => {
    expect(pointInGeometry(2, 8, square)).toBe(true);
    expect(pointInGeometry(5, 5, square)).toBe(false); // in the hole
    expect(pointInGeometry(5, 11, square)).toBe(false);
    expect(pointInGeometry(5, 5, { type: 'Point', coordinates: [5, 5] })).toBe(false);
  });
  it('agrees with countryAt on the real Mali outline', () => {
    const fc = JSON.parse(readFileSync(new URL('../../../data/boundaries/adm0_natural_earth_10m.geojson', import.meta.url), 'utf8')) as FeatureCollection;
    const mali = fc.features.find((f) => f.properties?.iso3 === 'MLI')!.geometry;
    expect(pointInGeometry(12.6392, -8.0029, mali)).toBe(true);
    expect(pointInGeometry(13.5116, 2.1254, mali)).toBe(false);
  });
});

describe('splitAntimeridian', () => {
  it('unwraps a ring that jumps across ±180° and adds its 360° twin', () => {
    const ring = [[179, 0], [-179, 0], [-179, 1], [179, 1], [179, 0]];
    const out = splitAntimeridian([ring]);
    expect(out).toEqual([[[[179, 0], [181, 0], [181, 1], [179, 1], [179, 0]]], [[[-181, 0], [-179, 0], [-179, 1], [-181, 1], [-181, 0]]]]);
  });
  it('leaves ordinary rings and pole-encircling rings alone', () => {
    const plain = [[[0, 0], [1, 0], [1, 1], [0, 0]]];
    expect(splitAntimeridian(plain)).toEqual([plain]);
    const polar = [[[-180, -80], [0, -80], [180, -80], [-180, -80]]];
    expect(splitAntimeridian(polar)).toEqual([polar]);
  });
});
