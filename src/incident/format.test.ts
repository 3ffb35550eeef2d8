import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectImportFormat } from './format.ts';

const head = (url: URL): string => readFileSync(url, 'utf8').slice(0, 4096);

describe('detectImportFormat', () => {
  it('recognises the real UCDP export and the ACLED fixture by their headers', () => {
    expect(detectImportFormat('ged_mali.csv', head(new URL('../../../shared/data/ucdp_ged_sahel/raw/ged_mali.csv', import.meta.url)))).toBe('ucdp');
    expect(detectImportFormat('ged_niger_repaired.csv', head(new URL('../../../shared/data/ucdp_ged_sahel/raw/ged_niger_repaired.csv', import.meta.url)))).toBe('ucdp');
    expect(detectImportFormat('x.csv', head(new URL('./acled/fixtures/acled-sample.csv', import.meta.url)))).toBe('acled');
  });
  it('tells GeoJSON from incident JSON', () => {
    expect(detectImportFormat('a.json', '{"type": "FeatureCollection", "features": []}')).toBe('geojson');
    expect(detectImportFormat('a.geojson', '{"features": [], "type": "FeatureCollection"}')).toBe('geojson');
    expect(detectImportFormat('a.json', '[{"date": "2023-01-01"}]')).toBe('incident');
    expect(detectImportFormat('-', '\uFEFF{"date": "2023-01-01"}')).toBe('incident');
  });
  it('returns null when unsure', () => {
    expect(detectImportFormat('a.csv', 'a,b,c\n1,2,3')).toBeNull();
    expect(detectImportFormat('a.txt', 'hello')).toBeNull();
  });
});
