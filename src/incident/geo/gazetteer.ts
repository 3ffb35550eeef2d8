import { readFileSync } from 'node:fs';
import Flatbush from 'flatbush';

/**
 * The shipped gazetteer (data/places/places.tsv, see its SOURCE.md): GeoNames populated
 * places of the AES and Natural Earth admin-1 label points. Two questions are asked of it:
 * which names to print on a map view at a zoom (bigger places first), and where a typed
 * name is ("tillaberi" finds Tillabéri). Read once, lazily.
 */

export type PlaceKind = 'capital' | 'town' | 'village' | 'admin1';

export interface Place {
  id: string;
  name: string;
  lat: number;
  lon: number;
  /** ISO3. */
  country: string;
  /** The admin-1 unit a town is in (for a Burkina Faso province: its region); null when not given. */
  admin1: string | null;
  kind: PlaceKind;
  /** 0 when GeoNames gives none (most villages). */
  population: number;
  /** The lowest map zoom at which the place is named: capitals from 3, villages from 10. */
  minZoom: number;
  alternates: string[];
}

const FILE = new URL('../../../data/places/places.tsv', import.meta.url);

/** Lower case, accents and punctuation dropped: "Tillabéri" and "TILLABERI" are one key. */
export function foldName(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

function minZoomOf(feature: string, population: number): number {
  if (feature === 'PPLC') return 3;
  if (feature === 'ADM1') return 5;
  if (population >= 500_000) return 4;
  if (population >= 100_000) return 5;
  if (population >= 20_000 || feature === 'PPLA') return 6;
  if (population > 0) return 7;
  if (feature === 'PPLA2') return 8;
  if (feature === 'PPLA3') return 9;
  return 10;
}

/** Admin-1 names are a regional overview: past this zoom the towns say where one is. */
const ADMIN1_MAX_ZOOM = 8;

interface Gazetteer { places: Place[]; index: Flatbush; keys: string[][] }
let loaded: Gazetteer | null = null;

function load(): Gazetteer {
  if (loaded) return loaded;
  const lines = readFileSync(FILE, 'utf8').split('\n').slice(1).filter(Boolean);
  const places = lines.map((line): Place => {
    const [id = '', name = '', lat = '', lon = '', country = '', admin1 = '', feature = '', pop = '', alts = ''] = line.split('\t');
    const population = Number(pop) || 0;
    const kind: PlaceKind = feature === 'ADM1' ? 'admin1' : feature === 'PPLC' ? 'capital' : population > 0 || feature.startsWith('PPLA') ? 'town' : 'village';
    return {
      id, name, lat: Number(lat), lon: Number(lon), country, admin1: admin1 || null, kind, population,
      minZoom: minZoomOf(feature, population), alternates: alts ? alts.split('|') : [],
    };
  });
  // Bigger first: the order in which a crowded view keeps its names.
  places.sort((a, b) => a.minZoom - b.minZoom || b.population - a.population || a.name.localeCompare(b.name, 'fr'));
  const index = new Flatbush(places.length);
  for (const p of places) index.add(p.lon, p.lat, p.lon, p.lat);
  index.finish();
  loaded = { places, index, keys: places.map((p) => [p.name, ...p.alternates].map(foldName)) };
  return loaded;
}

/** The places to name in a view, most important first, at most `limit`. */
export function placesInView(bbox: [number, number, number, number], zoom: number, limit: number): Place[] {
  const g = load();
  const hits = g.index.search(...bbox).sort((a, b) => a - b); // index order = importance order
  const out: Place[] = [];
  for (const i of hits) {
    const p = g.places[i]!;
    if (p.minZoom > zoom || (p.kind === 'admin1' && zoom > ADMIN1_MAX_ZOOM)) continue;
    out.push(p);
    if (out.length >= limit) break;
  }
  return out;
}

const SEARCH_RANK: Record<PlaceKind, number> = { capital: 0, town: 1, admin1: 2, village: 3 };

/**
 * Places whose name or an alternate name matches `query`, accent- and case-insensitive:
 * whole name first, then names starting with it, then a word starting with it; within each, towns before the
 * admin-1 unit of the same name (one goes to a town, a region is its name's second sense), villages last.
 */
export function searchPlaces(query: string, limit: number, country?: string): Place[] {
  const q = foldName(query);
  if (!q) return [];
  const g = load();
  const scored: Array<{ p: Place; score: number; i: number }> = [];
  g.places.forEach((p, i) => {
    if (country && p.country !== country) return;
    let score = Infinity;
    for (const k of g.keys[i]!) {
      if (k === q) score = Math.min(score, 0);
      else if (k.startsWith(q)) score = Math.min(score, 1);
      else if (k.includes(` ${q}`)) score = Math.min(score, 2);
    }
    if (score < Infinity) scored.push({ p, score, i });
  });
  scored.sort((a, b) => a.score - b.score || SEARCH_RANK[a.p.kind] - SEARCH_RANK[b.p.kind] || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.p);
}
