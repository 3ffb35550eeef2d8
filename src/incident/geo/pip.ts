import type { Geometry, Position } from 'geojson';

/**
 * Exact point-in-polygon, even–odd rule, for GeoJSON [lon, lat] rings.
 *
 * A polygon is prepared once: its edges are bucketed into horizontal bands, so
 * a query only casts its ray against the edges that cross its own latitude
 * band instead of every vertex of the polygon (the 10m Mali outline has 1,700
 * vertices; the importers test one point per row, a million rows in a bench).
 * Holes are just more rings under the even–odd rule.
 */

export interface PreparedPolygon {
  minX: number; minY: number; maxX: number; maxY: number;
  bands: number;
  /** Per band: flat [x1, y1, x2, y2, ...] of the edges crossing it. */
  edges: Float64Array[];
}

export function bboxOfRings(rings: Position[][]): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const ring of rings) {
    for (const p of ring) {
      const x = p[0]!, y = p[1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

export function preparePolygon(rings: Position[][]): PreparedPolygon {
  const [minX, minY, maxX, maxY] = bboxOfRings(rings);
  let vertices = 0;
  for (const r of rings) vertices += r.length;
  const bands = Math.max(1, Math.min(256, Math.ceil(vertices / 8)));
  const height = maxY - minY || 1;
  const lists: number[][] = Array.from({ length: bands }, () => []);
  const bandOf = (y: number): number => Math.min(bands - 1, Math.max(0, Math.floor(((y - minY) / height) * bands)));
  for (const ring of rings) {
    const n = ring.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = ring[j]!, b = ring[i]!;
      const x1 = a[0]!, y1 = a[1]!, x2 = b[0]!, y2 = b[1]!;
      if (y1 === y2) continue; // horizontal edges never cross a horizontal ray under the half-open rule
      const lo = bandOf(Math.min(y1, y2)), hi = bandOf(Math.max(y1, y2));
      for (let k = lo; k <= hi; k++) lists[k]!.push(x1, y1, x2, y2);
    }
  }
  return { minX, minY, maxX, maxY, bands, edges: lists.map((l) => Float64Array.from(l)) };
}

export function inPrepared(poly: PreparedPolygon, lon: number, lat: number): boolean {
  if (lon < poly.minX || lon > poly.maxX || lat < poly.minY || lat > poly.maxY) return false;
  const height = poly.maxY - poly.minY || 1;
  const band = Math.min(poly.bands - 1, Math.max(0, Math.floor(((lat - poly.minY) / height) * poly.bands)));
  const e = poly.edges[band]!;
  let inside = false;
  for (let k = 0; k < e.length; k += 4) {
    const x1 = e[k]!, y1 = e[k + 1]!, x2 = e[k + 2]!, y2 = e[k + 3]!;
    if ((y1 > lat) !== (y2 > lat) && lon < ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside;
}

function ringsContain(rings: Position[][], lon: number, lat: number): boolean {
  let inside = false;
  for (const ring of rings) {
    const n = ring.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = ring[j]!, b = ring[i]!;
      const x1 = a[0]!, y1 = a[1]!, x2 = b[0]!, y2 = b[1]!;
      if ((y1 > lat) !== (y2 > lat) && lon < ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1) inside = !inside;
    }
  }
  return inside;
}

/**
 * True when the point lies inside a GeoJSON Polygon or MultiPolygon (or a
 * GeometryCollection holding one). Other geometry types hold no area: false.
 * Note the argument order: latitude first, as everywhere in Foedus' API;
 * the geometry itself is GeoJSON [lon, lat].
 */
export function pointInGeometry(lat: number, lon: number, geometry: Geometry | null | undefined): boolean {
  if (!geometry) return false;
  switch (geometry.type) {
    case 'Polygon':
      return ringsContain(geometry.coordinates, lon, lat);
    case 'MultiPolygon':
      return geometry.coordinates.some((rings) => ringsContain(rings, lon, lat));
    case 'GeometryCollection':
      return geometry.geometries.some((g) => pointInGeometry(lat, lon, g));
    default:
      return false;
  }
}
