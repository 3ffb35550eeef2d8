import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import countriesUrl from 'world-atlas/countries-50m.json?url';
import { AES, numericToIso3 } from '../lib/countries.ts';

// MapLibre 6 builds its worker URL at run time; Vite must be told where the worker went.
maplibregl.setWorkerUrl(workerUrl);

/** Unwrap longitude jumps over 180° so rings crossing the antimeridian do not smear across the map. */
function unwrapRing(ring: Position[]): Position[] {
  const out: Position[] = [];
  let shift = 0;
  let prev: number | null = null;
  for (const p of ring) {
    const lon = p[0] ?? 0;
    if (prev !== null) {
      const d = lon - prev;
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    prev = lon;
    out.push([lon + shift, p[1] ?? 0]);
  }
  return out;
}

function unwrap(g: Geometry): Geometry {
  if (g.type === 'Polygon') return { ...g, coordinates: g.coordinates.map(unwrapRing) };
  if (g.type === 'MultiPolygon') return { ...g, coordinates: g.coordinates.map((poly) => poly.map(unwrapRing)) };
  return g;
}

let cached: Promise<FeatureCollection> | null = null;

/** Natural Earth countries from world-atlas, shipped with the UI (no network tiles), with ISO3 codes. */
export function loadCountries(): Promise<FeatureCollection> {
  cached ??= fetch(countriesUrl)
    .then((r) => r.json() as Promise<Topology<{ countries: GeometryCollection<{ name: string }> }>>)
    .then((topo) => {
      const fc = feature(topo, topo.objects.countries) as FeatureCollection;
      fc.features = fc.features
        .filter((f) => f.id !== '010') // Antarctica draws a line along the bottom of a Mercator map
        .map((f) => {
          const iso3 = f.id !== undefined ? numericToIso3(String(f.id)) ?? '' : '';
          return { ...f, geometry: unwrap(f.geometry), properties: { ...f.properties, iso3, aes: (AES as readonly string[]).includes(iso3) } };
        });
      return fc;
    });
  return cached;
}

export const COLORS = {
  sea: '#0b1620',
  land: '#1b2733',
  landAes: '#23344a',
  border: '#3c4c5c',
  aesBorder: '#f5a524',
  exact: '#38bdf8',
  coarse: '#fbbf24',
};

/** A map of the Sahel on the offline basemap: countries, AES states highlighted. */
export function createMap(container: HTMLElement, opts: { center?: [number, number]; zoom?: number } = {}): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    center: opts.center ?? [1.5, 15.5],
    zoom: opts.zoom ?? 4.3,
    minZoom: 1,
    maxZoom: 14,
    attributionControl: false,
    renderWorldCopies: false,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: 'sea', type: 'background', paint: { 'background-color': COLORS.sea } }],
    },
  });
  // Focusing a marker (Tab) makes the browser scroll the overflow-hidden map box, shifting the
  // picture away from the camera; keep the box unscrolled (markers pan the map into view instead).
  for (const el of [container, map.getCanvasContainer()]) {
    el.addEventListener('scroll', () => { el.scrollTop = 0; el.scrollLeft = 0; });
  }
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.on('load', () => {
    void loadCountries().then((fc) => {
      if (!map.getStyle()) return;
      map.addSource('countries', { type: 'geojson', data: fc });
      const before = map.getLayer('incidents-anchor') ? 'incidents-anchor' : undefined;
      map.addLayer({ id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': ['case', ['get', 'aes'], COLORS.landAes, COLORS.land] } }, before);
      map.addLayer({ id: 'borders', type: 'line', source: 'countries', paint: { 'line-color': COLORS.border, 'line-width': 0.8 } }, before);
      map.addLayer({ id: 'aes-outline', type: 'line', source: 'countries', filter: ['==', ['get', 'aes'], true], paint: { 'line-color': COLORS.aesBorder, 'line-width': 2 } }, before);
    });
  });
  return map;
}

/** Where the AES state labels sit (inside each state, away from the borders). */
// Burkina Faso's sits north-east of Ouagadougou so the capital keeps its name.
export const AES_LABELS: Record<string, [number, number]> = { MLI: [-4.2, 21.2], BFA: [0.1, 13.3], NER: [9.5, 17.2] };

export { maplibregl };
