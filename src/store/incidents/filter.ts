import { sql, type RawBuilder } from 'kysely';
import type { Position } from 'geojson';
import { InputError } from '../../errors.ts';
import { isIso3 } from '../../incident/countries.ts';
import { INCIDENT_KINDS, isRealDate } from '../../incident/incident.ts';
import { SOURCE_DATASETS } from '../../incident/record.ts';
import type { Dialect } from '../database.ts';
import { E6, dayNumber, fold, words } from './rows.ts';
import type { BBox, IncidentFilter } from './types.ts';

/**
 * An IncidentFilter checked and reduced to what the SQL needs, then compiled
 * to conditions over `incidents i` for one dialect.
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

export function normaliseFilter(f: IncidentFilter = {}): NormalFilter {
  let box: NormalFilter['box'] = null;
  let empty = false;
  if (f.bbox !== undefined) box = clip(box, checkBBox(f.bbox));
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

  for (const [k, v] of [['from', f.from], ['to', f.to]] as const) {
    if (v !== undefined && v !== null && !isRealDate(String(v))) throw new InputError(`${k} must be a date YYYY-MM-DD (got "${v}")`, { code: 'invalid_filter' });
  }
  if (f.from && f.to && f.from > f.to) throw new InputError(`from (${f.from}) is after to (${f.to}): swap them`, { code: 'invalid_filter' });

  const kinds = list(f.kind);
  for (const k of kinds ?? []) {
    if (!(INCIDENT_KINDS as readonly string[]).includes(k)) throw new InputError(`unknown kind "${k}": use one of ${INCIDENT_KINDS.join(', ')}`, { code: 'invalid_filter' });
  }
  const countries = list(f.country)?.map((c) => c.toUpperCase()) ?? null;
  for (const c of countries ?? []) {
    if (!isIso3(c)) throw new InputError(`unknown country "${c}": give an ISO 3166-1 alpha-3 code such as MLI, BFA or NER`, { code: 'invalid_filter' });
  }
  const datasets = list(f.dataset as string | string[] | undefined);
  for (const d of datasets ?? []) {
    if (!(SOURCE_DATASETS as readonly string[]).includes(d)) throw new InputError(`unknown dataset "${d}": use one of ${SOURCE_DATASETS.join(', ')}`, { code: 'invalid_filter' });
  }
  if (f.minFatalities !== undefined && f.minFatalities !== null && (!finite(f.minFatalities) || f.minFatalities < 0)) {
    throw new InputError('minFatalities must be a number ≥ 0', { code: 'invalid_filter' });
  }
  let qWords: string[] | null = null;
  if (f.q !== undefined && f.q !== null && String(f.q).trim() !== '') {
    qWords = words(String(f.q)).slice(0, 32);
    if (qWords.length === 0) throw new InputError(`the search text "${f.q}" has no word to look for (letters or digits)`, { code: 'invalid_filter' });
  }
  if (f.precision !== undefined && f.precision !== 'any' && f.precision !== 'precise') {
    throw new InputError(`precision must be "any" or "precise" (got "${String(f.precision)}")`, { code: 'invalid_filter' });
  }
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
  };
}

/** True when only the box, the dates and the precision filter apply: the cluster fast path and R*Tree-only counts. */
export function isSpatialOnly(f: NormalFilter, allowPrecision = true): boolean {
  return (
    !f.polygon && !f.kinds && !f.countries && !f.admin1 && !f.actor && f.minFatalities === null && !f.qWords && !f.datasets && (allowPrecision || !f.preciseOnly)
  );
}

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

export function dayRange(f: NormalFilter): [number, number] {
  return [f.from ? dayNumber(f.from) : INT32_MIN, f.to ? dayNumber(f.to) : INT32_MAX];
}

/** The SQLite R*Tree condition for the box and dates (used when the box is set). */
export function rtreeCondition(f: NormalFilter): RawBuilder<unknown> {
  const b = f.box!;
  const [d0, d1] = dayRange(f);
  return sql`min_lon >= ${b.minLon} and max_lon <= ${b.maxLon} and min_lat >= ${b.minLat} and max_lat <= ${b.maxLat} and min_day >= ${d0} and max_day <= ${d1}`;
}

export interface CompileOptions {
  /**
   * SQLite: 'rtree' drives box and dates through the R*Tree (`rid in (select rid from incidents_rtree …)`,
   * the way the planner must go for selective boxes); 'columns' tests them on the row (for scans that are
   * already ordered by date). PostgreSQL always uses columns (plus the GiST box).
   */
  spatial?: 'rtree' | 'columns';
  /**
   * PostgreSQL: add the GiST box condition (default true). Its selectivity is a fixed guess to the planner
   * (no statistics for point <@ box), so paths that know better leave it out to get the date index.
   */
  gist?: boolean;
}

function pgTsQuery(wordsList: string[]): string {
  return wordsList.map((w) => `'${w}':*`).join(' & ');
}

function ftsQuery(wordsList: string[]): string {
  return wordsList.map((w) => `"${w}"*`).join(' ');
}

/** Conditions over `incidents i`, to be joined with AND. */
export function compileFilter(f: NormalFilter, dialect: Dialect, opts: CompileOptions = {}): RawBuilder<unknown>[] {
  if (f.empty) return [sql`1 = 0`];
  const c: RawBuilder<unknown>[] = [];
  const useRtree = dialect === 'sqlite' && (opts.spatial ?? 'rtree') === 'rtree' && f.box !== null;
  if (f.box) {
    const b = f.box;
    const [x0, y0, x1, y1] = [b.minLon / E6, b.minLat / E6, b.maxLon / E6, b.maxLat / E6];
    if (useRtree) {
      c.push(sql`i.rid in (select rid from incidents_rtree where ${rtreeCondition(f)})`);
    } else {
      if (dialect === 'postgres' && opts.gist !== false) c.push(sql`point(i.lon, i.lat) <@ box(point(${x0}, ${y0}), point(${x1}, ${y1}))`);
      c.push(sql`i.lon >= ${x0} and i.lon <= ${x1} and i.lat >= ${y0} and i.lat <= ${y1}`);
    }
  }
  if (!useRtree) {
    if (f.from) c.push(sql`i.date >= ${f.from}`);
    if (f.to) c.push(sql`i.date <= ${f.to}`);
  }
  if (f.polygon) {
    if (dialect === 'sqlite') {
      c.push(sql`foedus_in_polygon(${f.polygonJson}, i.lon, i.lat) = 1`);
    } else {
      // Even–odd over the rings of each part, like the JS test: inside an odd number of rings.
      const parts = f.polygon.map((rings) => {
        const terms = rings.map((ring) => sql`(point(i.lon, i.lat) <@ ${`(${ring.map((p) => `(${p[0]},${p[1]})`).join(',')})`}::polygon)::int`);
        return sql`(${sql.join(terms, sql` + `)}) % 2 = 1`;
      });
      c.push(sql`(${sql.join(parts, sql` or `)})`);
    }
  }
  if (f.kinds) c.push(sql`i.kind in (${sql.join(f.kinds)})`);
  if (f.countries) c.push(sql`i.country in (${sql.join(f.countries)})`);
  if (f.datasets) c.push(sql`i.dataset in (${sql.join(f.datasets)})`);
  if (f.admin1) c.push(sql`(lower(i.admin1) = ${f.admin1} or lower(i.admin1_derived) = ${f.admin1})`);
  if (f.actor) c.push(dialect === 'sqlite' ? sql`instr(i.actors_text, ${f.actor}) > 0` : sql`strpos(i.actors_text, ${f.actor}) > 0`);
  if (f.minFatalities !== null) c.push(sql`i.fatalities_best >= ${f.minFatalities}`);
  if (f.preciseOnly) c.push(sql`i.coarse = 0`);
  if (f.qWords) {
    c.push(
      dialect === 'sqlite'
        ? sql`i.rid in (select rowid from incidents_fts where incidents_fts match ${ftsQuery(f.qWords)})`
        : sql`i.search @@ to_tsquery('simple', ${pgTsQuery(f.qWords)})`,
    );
  }
  return c;
}

export function whereSql(conds: RawBuilder<unknown>[]): RawBuilder<unknown> {
  return conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
}

/** Cursor of keyset paging on (date desc, id asc). */
export function encodeCursor(date: string, id: string): string {
  return Buffer.from(JSON.stringify([date, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { date: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { date: v[0], id: v[1] };
  } catch {
    // fall through
  }
  throw new InputError('invalid cursor: pass the nextCursor of the previous page unchanged', { code: 'invalid_cursor' });
}

export function cursorCondition(cur: { date: string; id: string }): RawBuilder<unknown> {
  return sql`i.date <= ${cur.date} and (i.date < ${cur.date} or i.id > ${cur.id})`;
}
