import type { Position } from 'geojson';
import { InputError } from '../../errors.ts';
import { isIso3 } from '../../incident/countries.ts';
import { INCIDENT_KINDS, isRealDate, MAX_FATALITIES } from '../../incident/incident.ts';
import { SOURCE_DATASETS } from '../../incident/record.ts';
import { cellRange, E6, fold, MORTON_LEVEL, words } from './rows.ts';
import type { BBox, IncidentFilter } from './types.ts';

/**
 * The one place incident filters are checked: an IncidentFilter from code
 * (normaliseFilter), or from text as the API's query string and the CLI's
 * flags give it (parseFilterText), each bad value named in one clear error.
 * The result is what the SQL needs (filter-sql.ts compiles it).
 */
export interface NormalFilter {
  /** Effective box in microdegrees, edges included (given bbox ∩ polygon's bbox). */
  box: { minLon: number; minLat: number; maxLon: number; maxLat: number } | null;
  /** True when the box is empty: nothing can match. */
  empty: boolean;
  /** Polygon parts, each a list of rings ([lon, lat] pairs), for the exact test. */
  polygon: Position[][][] | null;
  polygonJson: string | null;
  from: string | null;
  to: string | null;
  kinds: string[] | null;
  countries: string[] | null;
  admin1: string | null;
  actor: string | null;
  minFatalities: number | null;
  qWords: string[] | null;
  datasets: string[] | null;
  preciseOnly: boolean;
  /** A cluster's cell as its range of morton codes (rows.ts), both ends included. */
  cell: [number, number] | null;
  /** 'any', or charters ('aes-2023') and charter articles ('aes-2023/6') the stored assessment must name (any of them). */
  triggers: Triggers | null;
  /** And also this one (a charter or an article): how the map counts a cluster's incidents per article. */
  alsoTriggers: Triggers | null;
  /** false: not yet assessed only; true: assessed only. */
  assessed: boolean | null;
}

type Triggers = { any: boolean; charters: string[]; articles: string[] };

/** 'any', charter ids and "charter/article" pairs: any of them. */
function parseTriggers(values: string[] | null, field: string): Triggers | null {
  if (!values) return null;
  const t: Triggers = { any: false, charters: [], articles: [] };
  for (const v of values) {
    if (v === 'any') t.any = true;
    else if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v)) t.charters.push(v);
    else if (/^[a-z0-9]+(-[a-z0-9]+)*\/[\w.-]+$/.test(v)) t.articles.push(v);
    else throw new InputError(`${field} "${v}" is not "any", a charter id (aes-2023) or a charter's article (aes-2023/6)`, { code: 'invalid_filter' });
  }
  return t;
}

function list(v: string | string[] | undefined): string[] | null {
  if (v === undefined || v === null) return null;
  const a = (Array.isArray(v) ? v : [v]).map((s) => String(s).trim()).filter(Boolean);
  return a.length ? [...new Set(a)] : null;
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

export function checkBBox(b: unknown, what = 'bbox'): BBox {
  if (!Array.isArray(b) || b.length !== 4 || !b.every(finite)) {
    throw new InputError(`${what} must be four numbers minLon,minLat,maxLon,maxLat (e.g. -12.3,10.1,4.3,25.0)`, { code: 'invalid_filter' });
  }
  const [minLon, minLat, maxLon, maxLat] = b as BBox;
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
    throw new InputError(`${what} is out of range: longitudes must be within -180..180 and latitudes within -90..90`, { code: 'invalid_filter' });
  }
  if (minLon > maxLon || minLat > maxLat) {
    throw new InputError(`${what} has its minimum above its maximum: give minLon,minLat,maxLon,maxLat (a box across the antimeridian must be split in two)`, {
      code: 'invalid_filter',
    });
  }
  return [minLon, minLat, maxLon, maxLat];
}

function polygonParts(p: unknown): Position[][][] {
  const g = p as { type?: unknown; coordinates?: unknown };
  const bad = () =>
    new InputError('polygon must be a GeoJSON Polygon or MultiPolygon: {"type":"Polygon","coordinates":[[[lon,lat],…]]} with closed rings of at least 4 positions', {
      code: 'invalid_filter',
    });
  if (!g || typeof g !== 'object') throw bad();
  const parts = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? (g.coordinates as unknown[]) : null;
  if (!Array.isArray(parts) || parts.length === 0) throw bad();
  for (const rings of parts) {
    if (!Array.isArray(rings) || rings.length === 0) throw bad();
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) throw bad();
      for (const pos of ring) {
        if (!Array.isArray(pos) || pos.length < 2 || !finite(pos[0]) || !finite(pos[1]) || Math.abs(pos[0]) > 180 || Math.abs(pos[1]) > 90) throw bad();
      }
    }
  }
  return parts as Position[][][];
}

type MicroBox = NonNullable<NormalFilter['box']>;

/**
 * The box in microdegrees, within `box` if given. A module function, not a closure in normaliseFilter:
 * the server runs through tsx, whose esbuild keeps names, so a named closure made per request costs an
 * Object.defineProperty call.
 */
function clip(box: MicroBox | null, b: BBox): MicroBox {
  // Quantise to microdegrees inward-safe: a point stored at x (rounded to 1e-6) is inside iff xE6 is within [ceil(min), floor(max)].
  const nb = { minLon: Math.ceil(b[0] * E6 - 1e-6), minLat: Math.ceil(b[1] * E6 - 1e-6), maxLon: Math.floor(b[2] * E6 + 1e-6), maxLat: Math.floor(b[3] * E6 + 1e-6) };
  if (!box) return nb;
  return { minLon: Math.max(box.minLon, nb.minLon), minLat: Math.max(box.minLat, nb.minLat), maxLon: Math.min(box.maxLon, nb.maxLon), maxLat: Math.min(box.maxLat, nb.maxLat) };
}

export function normaliseFilter(f: IncidentFilter = {}, name: FieldName = (field) => field): NormalFilter {
  const fail = (message: string) => new InputError(message, { code: 'invalid_filter' });
  let box: NormalFilter['box'] = null;
  let empty = false;
  if (f.bbox !== undefined) box = clip(box, checkBBox(f.bbox, name('bbox')));
  let polygon: Position[][][] | null = null;
  if (f.polygon !== undefined) {
    polygon = polygonParts(f.polygon);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const rings of polygon) for (const p of rings[0]!) {
      minX = Math.min(minX, p[0]!); maxX = Math.max(maxX, p[0]!); minY = Math.min(minY, p[1]!); maxY = Math.max(maxY, p[1]!);
    }
    box = clip(box, [minX, minY, maxX, maxY]);
  }
  if (box && (box.minLon > box.maxLon || box.minLat > box.maxLat)) empty = true;

  for (const k of ['from', 'to'] as const) {
    const v = f[k];
    if (v !== undefined && v !== null && !isRealDate(String(v))) throw fail(`${name(k)} "${v}" is not a real calendar day; write it YYYY-MM-DD (e.g. 2023-09-16)`);
  }
  if (f.from && f.to && f.from > f.to) throw fail(`${name('from')} ${f.from} is after ${name('to')} ${f.to}; swap them`);

  const kinds = list(f.kind);
  const badKind = kinds?.find((k) => !(INCIDENT_KINDS as readonly string[]).includes(k));
  if (badKind !== undefined) throw fail(`${name('kind')} "${badKind}" is not an incident kind; use one of ${INCIDENT_KINDS.join(', ')}`);
  const countries = list(f.country)?.map((c) => c.toUpperCase()) ?? null;
  const badCountry = countries?.find((c) => !isIso3(c));
  if (badCountry !== undefined) throw fail(`${name('country')} "${badCountry}" is not an ISO 3166-1 alpha-3 country code (e.g. MLI, BFA, NER)`);
  const datasets = list(f.dataset as string | string[] | undefined);
  const badDataset = datasets?.find((d) => !(SOURCE_DATASETS as readonly string[]).includes(d));
  if (badDataset !== undefined) throw fail(`${name('dataset')} "${badDataset}" is not a source dataset; use one of ${SOURCE_DATASETS.join(', ')}`);
  // Bounded as the records are: PostgreSQL's integer column refuses a larger one (a 500, found by fuzzing).
  if (f.minFatalities !== undefined && f.minFatalities !== null && (!Number.isInteger(f.minFatalities) || f.minFatalities < 0 || f.minFatalities > MAX_FATALITIES)) {
    throw fail(`${name('minFatalities')} must be a whole number from 0 to ${MAX_FATALITIES.toLocaleString('en')}, the most one incident may carry (got ${String(f.minFatalities)})`);
  }
  let qWords: string[] | null = null;
  if (f.q !== undefined && f.q !== null && String(f.q).trim() !== '') {
    qWords = words(String(f.q)).slice(0, 32);
    if (qWords.length === 0) throw fail(`${name('q')}: the search text "${f.q}" has no word to look for (letters or digits)`);
  }
  if (f.precision !== undefined && f.precision !== 'any' && f.precision !== 'precise') {
    throw fail(`${name('precision')} must be "any" or "precise" (got "${String(f.precision)}")`);
  }
  let cell: [number, number] | null = null;
  if (f.cell !== undefined) {
    const m = /^(\d{1,2})\/(\d{1,8})\/(\d{1,8})$/.exec(String(f.cell).trim());
    const [level, x, y] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
    if (!m || level > MORTON_LEVEL || x >= 2 ** level || y >= 2 ** level) {
      throw fail(`${name('cell')} "${String(f.cell)}" is not a map cell: give "level/x/y" as a cluster names it (level 0–${MORTON_LEVEL}, x and y below 2^level)`);
    }
    cell = cellRange(x, y, level);
  }
  const triggers = parseTriggers(list(f.triggers), name('triggers'));
  const alsoTriggers = parseTriggers(list(f.alsoTriggers), 'alsoTriggers');
  const actor = f.actor && f.actor.trim() ? fold(f.actor.trim()) : null;
  const admin1 = f.admin1 && f.admin1.trim() ? f.admin1.trim().toLowerCase() : null;
  return {
    box,
    empty,
    polygon,
    polygonJson: polygon ? JSON.stringify(polygon) : null,
    from: f.from || null,
    to: f.to || null,
    kinds,
    countries,
    admin1,
    actor,
    minFatalities: finite(f.minFatalities) ? f.minFatalities : null,
    qWords,
    datasets,
    preciseOnly: f.precision === 'precise',
    cell,
    triggers,
    alsoTriggers,
    assessed: typeof f.assessed === 'boolean' ? f.assessed : null,
  };
}

/** A filter as text: the API's query parameters, the CLI's flags. Lists are comma-separated. */
export interface FilterText {
  bbox?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  kind?: string | undefined;
  country?: string | undefined;
  admin1?: string | undefined;
  actor?: string | undefined;
  q?: string | undefined;
  minFatalities?: string | undefined;
  dataset?: string | undefined;
  precision?: string | undefined;
  cell?: string | undefined;
  triggers?: string | undefined;
}

/** How the caller names a field in its errors (the CLI: `--min-fatalities`; the API: the parameter). */
export type FieldName = (field: keyof FilterText) => string;

function splitList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Text → IncidentFilter, for the API and the CLI alike: the text is split and read as numbers here, every
 * value checked by normaliseFilter, and each error names the field as the caller calls it and says what to
 * give instead (InputError, code invalid_filter).
 */
export function parseFilterText(t: FilterText, name: FieldName = (field) => field): IncidentFilter {
  const f: IncidentFilter = {};
  const items = (field: 'kind' | 'country' | 'dataset', v: string): string[] => {
    const l = splitList(v);
    if (l.length === 0) throw new InputError(`${name(field)} is empty: give one value or several separated by commas`, { code: 'invalid_filter' });
    return l;
  };
  if (t.bbox !== undefined) {
    const parts = t.bbox.split(',').map((s) => s.trim());
    const nums = parts.map((p) => (p === '' ? NaN : Number(p)));
    if (parts.length !== 4 || nums.some((n) => !Number.isFinite(n))) {
      throw new InputError(`${name('bbox')} needs four numbers minLon,minLat,maxLon,maxLat (e.g. -12.3,10.1,4.3,25.0); got "${t.bbox}"`, { code: 'invalid_filter' });
    }
    f.bbox = nums as BBox;
  }
  if (t.from !== undefined) f.from = t.from;
  if (t.to !== undefined) f.to = t.to;
  if (t.kind !== undefined) f.kind = items('kind', t.kind);
  if (t.country !== undefined) f.country = items('country', t.country).map((c) => c.toUpperCase());
  if (t.dataset !== undefined) f.dataset = items('dataset', t.dataset) as IncidentFilter['dataset'];
  if (t.minFatalities !== undefined) {
    const n = t.minFatalities.trim() === '' ? NaN : Number(t.minFatalities);
    if (Number.isNaN(n)) throw new InputError(`${name('minFatalities')} "${t.minFatalities}" is not a number: give a whole number ≥ 0`, { code: 'invalid_filter' });
    f.minFatalities = n;
  }
  if (t.precision !== undefined) f.precision = t.precision as IncidentFilter['precision'];
  if (t.admin1) f.admin1 = t.admin1;
  if (t.actor) f.actor = t.actor;
  if (t.q) f.q = t.q;
  if (t.cell !== undefined) f.cell = t.cell;
  if (t.triggers !== undefined) f.triggers = splitList(t.triggers);
  normaliseFilter(f, name);
  return f;
}
