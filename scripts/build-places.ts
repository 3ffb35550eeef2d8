// Builds data/places/places.tsv, the gazetteer the running server ships, from the
// project's research data (../shared/data, read from the repository root):
// - every populated place (GeoNames feature class P) of Mali, Burkina Faso and Niger,
//   with its Latin-script alternate names (for search), population and admin-1 name;
// - an admin-1 label point for each Natural Earth admin-1 unit of the AES and neighbours
//   (data/boundaries), so the map can name regions without a glyph server.
// Run: npx tsx scripts/build-places.ts   (deterministic: same input, same file)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureCollection, Position } from 'geojson';

const ROOT = new URL('../', import.meta.url).pathname;
const GAZ = join(ROOT, '../shared/data/gazetteer_geonames');
const OUT = join(ROOT, 'data/places/places.tsv');
const ISO3: Record<string, string> = { ML: 'MLI', BF: 'BFA', NE: 'NER' };

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
const LATIN = /^[\p{Script=Latin}0-9 '’().-]+$/u;
const clean = (s: string) => s.replace(/[\t\n|]/g, ' ').trim();

const admin1 = new Map<string, string>();
for (const line of readFileSync(join(GAZ, 'admin1_codes.tsv'), 'utf8').split('\n').slice(1)) {
  const [code, name] = line.split('\t');
  if (code && name) admin1.set(code, name.replace(/ Region$/, ''));
}

const rows: string[][] = [];
for (const cc of ['ML', 'BF', 'NE']) {
  for (const line of readFileSync(join(GAZ, `${cc}.txt`), 'utf8').split('\n')) {
    const f = line.split('\t');
    // Abandoned, historical and destroyed places (PPLQ, PPLH, PPLW) are not where anything happens now.
    if (f.length < 19 || f[6] !== 'P' || ['PPLQ', 'PPLH', 'PPLW'].includes(f[7] ?? '')) continue;
    const [id = '', name = '', ascii = '', alts = '', lat = '', lon = ''] = f;
    const seen = new Set([fold(name), fold(ascii)]);
    const alternates: string[] = [];
    for (const a of alts.split(',')) {
      const k = fold(a);
      if (!a || a.length > 40 || !LATIN.test(a) || seen.has(k) || !k) continue;
      seen.add(k);
      alternates.push(clean(a));
      if (alternates.length >= 6) break;
    }
    rows.push([id, clean(name), Number(lat).toFixed(4), Number(lon).toFixed(4), ISO3[cc]!, admin1.get(`${cc}.${f[10]}`) ?? '', f[7] ?? '', String(Number(f[14]) || 0), alternates.join('|')]);
  }
}

/** Area-weighted centroid of a polygon's outer ring (the label point of the unit's largest part). */
function centroid(ring: Position[]): { x: number; y: number; area: number } {
  let a = 0, x = 0, y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0 = 0, y0 = 0] = ring[j]!;
    const [x1 = 0, y1 = 0] = ring[i]!;
    const c = x0 * y1 - x1 * y0;
    a += c; x += (x0 + x1) * c; y += (y0 + y1) * c;
  }
  return { x: x / (3 * a), y: y / (3 * a), area: Math.abs(a / 2) };
}

for (const file of ['adm1_natural_earth_aes.geojson', 'adm1_natural_earth_neighbours.geojson']) {
  const fc = JSON.parse(readFileSync(join(ROOT, 'data/boundaries', file), 'utf8')) as FeatureCollection;
  for (const feat of fc.features) {
    const p = feat.properties as { ne_fid: number; adm0_a3: string; name: string; bfa_region_geonames_name?: string };
    const g = feat.geometry;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    const best = polys.map((poly) => centroid(poly[0] ?? [])).sort((a, b) => b.area - a.area)[0];
    if (!best) continue;
    const region = p.bfa_region_geonames_name?.replace(/ Region$/, '') ?? '';
    rows.push([`ne1:${p.ne_fid}`, clean(p.name), best.y.toFixed(4), best.x.toFixed(4), p.adm0_a3, region, 'ADM1', '0', '']);
  }
}

rows.sort((a, b) => (a[4]! < b[4]! ? -1 : a[4]! > b[4]! ? 1 : a[0]!.localeCompare(b[0]!, 'en', { numeric: true })));
const header = ['id', 'name', 'lat', 'lon', 'country', 'admin1', 'feature', 'population', 'alternates'];
writeFileSync(OUT, [header, ...rows].map((r) => r.join('\t')).join('\n') + '\n');
console.log(`${OUT}: ${rows.length} places`);
