import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Flatbush from 'flatbush';
import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import type { Topology, GeometryCollection } from 'topojson-specification';
import { numericToIso3 } from '../countries.ts';
import { inPrepared, preparePolygon, type PreparedPolygon } from './pip.ts';

export { pointInGeometry } from './pip.ts';

/**
 * Where is a point? Country and admin-1 lookups on the shipped boundaries.
 *
 * - Countries: the 14 Natural Earth 1:10m outlines in data/boundaries (AES
 *   and its neighbours) take precedence; the rest of the world comes from
 *   world-atlas' countries-50m (Natural Earth 1:50m), keyed by ISO numeric id.
 *   A point in no polygon is in no state: international waters or airspace.
 * - Admin-1: the AES and neighbours admin-1 files (Natural Earth via QGIS,
 *   generalised: region-level assignment only, not fine border work).
 *
 * Each layer is a flatbush R-tree over polygon bounding boxes, then an exact
 * point-in-polygon test on the few candidates. Files are read once, lazily.
 */

const BOUNDARIES = new URL('../../../data/boundaries/', import.meta.url);
const require = createRequire(import.meta.url);

/** world-atlas features that carry no ISO numeric id: the state Natural Earth assigns them to. */
const UNCODED: Record<string, string> = {
  Somaliland: 'SOM',
  'N. Cyprus': 'CYP',
  'Indian Ocean Ter.': 'AUS',
  'Siachen Glacier': 'IND',
  // Kosovo has no ISO 3166-1 code; XKX is the user-assigned code used by the EU and the IMF.
  Kosovo: 'XKX',
};

export interface Admin1 {
  /** Natural Earth's name of the unit (for Burkina Faso: the province). */
  name: string;
  iso3: string;
  /** FIPS 10-4 code of the unit as Natural Earth gives it (e.g. "UV63"). */
  code?: string;
  /** Burkina Faso only: the region (admin level above Natural Earth's provinces), GeoNames code "BF.01".."BF.13". */
  regionCode?: string;
  /** Burkina Faso only: the region's French name per GeoNames ("Sahel", "Boucle du Mouhoun"). */
  regionName?: string;
}

interface Layer<T> {
  index: Flatbush;
  parts: { poly: PreparedPolygon; value: T }[];
}

function buildLayer<T>(items: { geometry: Geometry | null; value: T }[]): Layer<T> {
  const parts: { poly: PreparedPolygon; value: T }[] = [];
  for (const { geometry, value } of items) {
    if (!geometry) continue;
    const polys: Position[][][] =
      geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    for (const rings of polys) for (const r of splitAntimeridian(rings)) parts.push({ poly: preparePolygon(r), value });
  }
  const index = new Flatbush(Math.max(1, parts.length));
  for (const { poly } of parts) index.add(poly.minX, poly.minY, poly.maxX, poly.maxY);
  if (parts.length === 0) index.add(0, 0, 0, 0);
  index.finish();
  return { index, parts };
}

/**
 * A polygon whose rings jump across the antimeridian (±180°: Russia's
 * Chukotka, Fiji in Natural Earth 1:50m) is not a valid planar polygon. Its
 * rings are unwrapped into one continuous longitude range (e.g. 170…190)
 * and indexed twice, as is and shifted by 360°, so a query in -180…180 finds
 * it on either side. A ring that does not close once unwrapped goes round a
 * pole (Antarctica) and is already a valid planar ring: kept as it is.
 */
export function splitAntimeridian(rings: Position[][]): Position[][][] {
  const jumps = rings.some((r) => r.some((p, i) => i > 0 && Math.abs(p[0]! - r[i - 1]![0]!) > 180));
  if (!jumps) return [rings];
  const unwrapped: Position[][] = [];
  for (const ring of rings) {
    let shift = 0;
    const out: Position[] = [];
    ring.forEach((p, i) => {
      if (i > 0) {
        const d = p[0]! - ring[i - 1]![0]!;
        if (d > 180) shift -= 360;
        else if (d < -180) shift += 360;
      }
      out.push([p[0]! + shift, p[1]!]);
    });
    if (shift !== 0) return [rings]; // encircles a pole: leave it
    unwrapped.push(out);
  }
  // Bring the unwrapped polygon to start on the same side as its first ring's start, then add the 360° twin.
  let minX = Infinity, maxX = -Infinity;
  for (const r of unwrapped) for (const p of r) { minX = Math.min(minX, p[0]!); maxX = Math.max(maxX, p[0]!); }
  const shifted = (dx: number): Position[][] => unwrapped.map((r) => r.map((p) => [p[0]! + dx, p[1]!]));
  const out = [unwrapped];
  if (maxX > 180) out.push(shifted(-360));
  if (minX < -180) out.push(shifted(360));
  return out;
}

function lookup<T>(layer: Layer<T>, lat: number, lon: number): T | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  const hits = layer.index.search(lon, lat, lon, lat);
  // Several candidates can match only on shared edges or overlapping data; the lowest index wins, deterministically.
  hits.sort((a, b) => a - b);
  for (const i of hits) {
    const part = layer.parts[i];
    if (part && inPrepared(part.poly, lon, lat)) return part.value;
  }
  return null;
}

function readGeojson(name: string): FeatureCollection {
  return JSON.parse(readFileSync(new URL(name, BOUNDARIES), 'utf8')) as FeatureCollection;
}

let detailed: Layer<string> | null = null;
let world: Layer<string> | null = null;
let admin1: Layer<Admin1> | null = null;

function detailedLayer(): Layer<string> {
  if (!detailed) {
    const fc = readGeojson('adm0_natural_earth_10m.geojson');
    detailed = buildLayer(fc.features.map((f) => ({ geometry: f.geometry, value: String(f.properties?.iso3) })));
  }
  return detailed;
}

/** Countries covered by the 10m file: their 50m outlines are never used. */
function detailedCountries(): Set<string> {
  return new Set(detailedLayer().parts.map((p) => p.value));
}

function worldLayer(): Layer<string> {
  if (!world) {
    const topo = require('world-atlas/countries-50m.json') as Topology;
    const fc = feature(topo, topo.objects.countries as GeometryCollection) as FeatureCollection;
    const skip = detailedCountries();
    const items: { geometry: Geometry | null; value: string }[] = [];
    for (const f of fc.features) {
      const name = String(f.properties?.name ?? '');
      const iso3 = f.id !== undefined ? numericToIso3(String(f.id)) : UNCODED[name];
      if (!iso3 || skip.has(iso3)) continue;
      items.push({ geometry: f.geometry, value: iso3 });
    }
    world = buildLayer(items);
  }
  return world;
}

function admin1Layer(): Layer<Admin1> {
  if (!admin1) {
    const items: { geometry: Geometry | null; value: Admin1 }[] = [];
    for (const file of ['adm1_natural_earth_aes.geojson', 'adm1_natural_earth_neighbours.geojson']) {
      for (const f of readGeojson(file).features) {
        const p = f.properties ?? {};
        const value: Admin1 = { name: String(p.name), iso3: String(p.adm0_a3) };
        if (p.fips) value.code = String(p.fips);
        if (p.bfa_region_geonames_admin1) {
          value.regionCode = `BF.${String(p.bfa_region_geonames_admin1)}`;
          value.regionName = BFA_REGIONS_FR[String(p.bfa_region_geonames_admin1)] ?? String(p.bfa_region_geonames_name);
        }
        items.push({ geometry: f.geometry, value });
      }
    }
    admin1 = buildLayer(items);
  }
  return admin1;
}

/** Burkina Faso's 13 regions (before 2025), French names, GeoNames admin1 codes (CC BY 4.0, © GeoNames). */
const BFA_REGIONS_FR: Record<string, string> = {
  '01': 'Boucle du Mouhoun', '02': 'Cascades', '03': 'Centre', '04': 'Centre-Est', '05': 'Centre-Nord',
  '06': 'Centre-Ouest', '07': 'Centre-Sud', '08': 'Est', '09': 'Hauts-Bassins', '10': 'Nord',
  '11': 'Plateau-Central', '12': 'Sahel', '13': 'Sud-Ouest',
};

/**
 * ISO3 of the state whose territory holds the point, or null when none does
 * (international waters or airspace). AES and neighbours use the 1:10m
 * outlines; the rest of the world the 1:50m ones.
 */
export function countryAt(lat: number, lon: number): string | null {
  return lookup(detailedLayer(), lat, lon) ?? lookup(worldLayer(), lat, lon);
}

/** The admin-1 unit holding the point, for AES countries and their neighbours; null elsewhere or outside. */
export function admin1At(lat: number, lon: number): Admin1 | null {
  const hit = lookup(admin1Layer(), lat, lon);
  return hit ? { ...hit } : null;
}
