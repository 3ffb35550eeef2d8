import { dayNumber, OPEN_END } from './dates.ts';
import type { Region, Text } from './schema.ts';

/**
 * Charter regions compiled for fast tests: each polygon keeps its bounding
 * box and the point-in-polygon (even-odd ray casting, holes included) runs
 * only when the point is inside the box.
 */

interface Poly {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Rings as flat [x0, y0, x1, y1, …] arrays; ring 0 is the outline. */
  rings: Float64Array[];
}

export interface CompiledRegion {
  id: string;
  name: Text;
  polys: Poly[];
  countries: Set<string>;
  presumedFor: Set<string>;
  territoryOf: string | undefined;
  from: number;
  until: number;
}

function compilePoly(rings: number[][][]): Poly {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const flat = rings.map((ring) => {
    const a = new Float64Array(ring.length * 2);
    ring.forEach((p, i) => {
      const x = p[0]!, y = p[1]!;
      a[i * 2] = x;
      a[i * 2 + 1] = y;
    });
    return a;
  });
  for (const p of rings[0] ?? []) {
    if (p[0]! < minX) minX = p[0]!;
    if (p[0]! > maxX) maxX = p[0]!;
    if (p[1]! < minY) minY = p[1]!;
    if (p[1]! > maxY) maxY = p[1]!;
  }
  return { minX, minY, maxX, maxY, rings: flat };
}

export function compileRegion(r: Region): CompiledRegion {
  const polys: Poly[] = [];
  if (r.geometry?.type === 'Polygon') polys.push(compilePoly(r.geometry.coordinates));
  else if (r.geometry?.type === 'MultiPolygon') for (const p of r.geometry.coordinates) polys.push(compilePoly(p));
  return {
    id: r.id,
    name: r.name,
    polys,
    countries: new Set(r.countries),
    presumedFor: new Set(r.presumed_for),
    territoryOf: r.counts_as_territory_of,
    from: r.valid_from ? dayNumber(r.valid_from) : -OPEN_END,
    until: r.valid_until ? dayNumber(r.valid_until) : OPEN_END,
  };
}

function inRing(a: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = a.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const xi = a[i]!, yi = a[i + 1]!, xj = a[j]!, yj = a[j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInRegion(r: CompiledRegion, lon: number, lat: number): boolean {
  for (const p of r.polys) {
    if (lon < p.minX || lon > p.maxX || lat < p.minY || lat > p.maxY) continue;
    if (!inRing(p.rings[0]!, lon, lat)) continue;
    let hole = false;
    for (let k = 1; k < p.rings.length; k++) if (inRing(p.rings[k]!, lon, lat)) { hole = true; break; }
    if (!hole) return true;
  }
  return false;
}

export type RegionHit = 'point' | 'country' | 'presumed' | null;

/**
 * Whether a place is in the region on `day`: by its coordinates when given,
 * else by its country's whole territory (`countries`), else by presumption
 * (`presumed_for`). Returns how it was established, or null.
 */
export function regionHit(r: CompiledRegion, day: number, country: string | undefined, lon: number | undefined, lat: number | undefined): RegionHit {
  if (day < r.from || day > r.until) return null;
  if (country !== undefined && r.countries.has(country)) return 'country';
  if (lon !== undefined && lat !== undefined) return pointInRegion(r, lon, lat) ? 'point' : null;
  if (country !== undefined && r.presumedFor.has(country)) return 'presumed';
  return null;
}
