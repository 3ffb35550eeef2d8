import { createHash } from 'node:crypto';
import type { IncidentRecord, LocationPrecision, SourceReport } from '../../incident/record.ts';

/**
 * Between an IncidentRecord and its rows: the denormalised columns, the
 * content hash that makes re-imports idempotent, the Web Mercator Z-order code
 * used for clusters, and the folded text used for search.
 */

/** Precisions that place the event at a real point. Anything else sits at an area's centroid (or nowhere known). */
export const PRECISE: ReadonlySet<LocationPrecision> = new Set<LocationPrecision>(['exact', 'near']);

export function isCoarse(p: LocationPrecision): boolean {
  return !PRECISE.has(p);
}

/** Coordinates are stored to 1e-6 degree; R*Tree integers and table doubles then agree exactly. */
export const E6 = 1_000_000;
export function toE6(deg: number): number {
  return Math.round(deg * E6);
}
export function quantise(deg: number): number {
  return toE6(deg) / E6;
}

export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / 86_400_000);
}

/** dayNumber's inverse: YYYY-MM-DD of a day number. */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- Web Mercator Z-order

/** Cells per axis at the finest level: 2^22 (about 10 m at the equator). */
export const MORTON_LEVEL = 22;
const MAX_LAT = 85.0511287798066;

/** Fractional Web Mercator position in [0, 1): x east from -180°, y south from the top edge. */
export function mercator(lat: number, lon: number): { x: number; y: number } {
  const la = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const s = Math.sin((la * Math.PI) / 180);
  const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  const x = (lon + 180) / 360;
  return { x, y };
}

/** Integer cell coordinate on an axis of 2^level cells. */
export function cellIndex(f: number, level: number): number {
  const n = 2 ** level;
  return Math.max(0, Math.min(n - 1, Math.floor(f * n)));
}

function spread11(v: number): number {
  v &= 0x7ff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** Interleaves two integers of up to 22 bits (x in even bits, y in odd bits): up to 44 bits, exact in a double. */
export function interleave(x: number, y: number): number {
  const lo = spread11(x) | (spread11(y) << 1);
  const hi = spread11(x >>> 11) | (spread11(y >>> 11) << 1);
  return hi * 2 ** 22 + (lo >>> 0);
}

export function mortonOf(lat: number, lon: number): number {
  const { x, y } = mercator(lat, lon);
  return interleave(cellIndex(x, MORTON_LEVEL), cellIndex(y, MORTON_LEVEL));
}

/** The morton range [lo, hi] of cell (cx, cy) at `level` (≤ 22). */
export function cellRange(cx: number, cy: number, level: number): [number, number] {
  const span = 4 ** (MORTON_LEVEL - level);
  const lo = interleave(cx, cy) * span;
  return [lo, lo + span - 1];
}

// ---------------------------------------------------------------- text

/** Lower case without diacritics: "Ménaka" → "menaka". Search and actor matching use it on both stores. */
// eslint-disable-next-line no-control-regex -- "only ASCII" is exactly the range 0x00–0x7f
const ASCII = /^[\x00-\x7f]*$/;

export function fold(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase();
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

export function words(s: string): string[] {
  const f = fold(s);
  return (ASCII.test(f) ? f.split(/[^a-z0-9]+/) : f.split(/[^\p{L}\p{N}]+/u)).filter(Boolean);
}

function searchBody(r: IncidentRecord): string {
  const parts: string[] = [];
  if (r.notes) parts.push(r.notes);
  if (r.placeName) parts.push(r.placeName);
  for (const a of r.actors) if (a.name) parts.push(a.name);
  if (r.incident.perpetrator.name) parts.push(r.incident.perpetrator.name);
  return words(parts.join(' ')).join(' ');
}

// ---------------------------------------------------------------- hashing

/** The record as stored in the `record` column: everything but what the store manages in its own columns/tables. */
export type StoredContent = Omit<IncidentRecord, 'id' | 'reports' | 'assessment' | 'version' | 'createdAt' | 'updatedAt'>;

export function contentOf(r: IncidentRecord): StoredContent {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { id, reports, assessment, version, createdAt, updatedAt, ...content } = r;
  return content;
}

/** One raw report ready to store: its raw row already serialised. */
export interface ReportRow {
  dataset: string;
  sourceId: string | null;
  sourceTimestamp: number | null;
  importedAt: string | null;
  rawJson: string;
}

/**
 * Hash of what the source said: the stored content plus the raw reports
 * (without their import time). Re-importing the same row gives the same
 * hash: importers build records deterministically, so the JSON text is
 * compared as produced (no key sorting, which cost more than the write itself).
 */
function hashOf(recordJson: string, reports: ReportRow[]): string {
  const h = createHash('sha256').update(recordJson);
  for (const r of reports) h.update(`\u0001${r.dataset}\u0002${r.sourceId ?? ''}\u0002${r.sourceTimestamp ?? ''}\u0002${r.rawJson}`);
  return h.digest('base64url');
}

export function contentHash(r: IncidentRecord): string {
  return hashOf(JSON.stringify(contentOf(r)), reportRows(r.reports ?? []));
}

function reportRows(reports: SourceReport[]): ReportRow[] {
  return reports.map((p) => ({
    dataset: p.dataset,
    sourceId: p.sourceId ?? null,
    sourceTimestamp: typeof p.sourceTimestamp === 'number' && Number.isFinite(p.sourceTimestamp) ? p.sourceTimestamp : null,
    importedAt: p.importedAt || null,
    rawJson: JSON.stringify(p.raw ?? {}),
  }));
}

// ---------------------------------------------------------------- rows

/** The denormalised columns of one record (both dialects; SQLite adds rid, PostgreSQL search_text). */
export interface IncidentRow {
  id: string;
  date: string;
  date_end: string | null;
  kind: string;
  country: string | null;
  admin1: string | null;
  admin1_derived: string | null;
  lat: number | null;
  lon: number | null;
  morton: number | null;
  location_precision: string;
  coarse: number;
  perpetrator_type: string | null;
  target_type: string | null;
  fatalities_best: number | null;
  fatalities_low: number | null;
  fatalities_high: number | null;
  dataset: string;
  source_id: string | null;
  source_timestamp: number | null;
  actors_text: string;
  /** JSON of contentOf(record). */
  record: string;
  content_hash: string;
}

export interface PreparedRecord {
  row: IncidentRow;
  /** Folded words for full text. */
  search: string;
  /** R*Tree entry: [lonE6, latE6, day], null without coordinates. */
  point: [number, number, number] | null;
  reports: ReportRow[];
}

function num(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function prepareRecord(r: IncidentRecord): PreparedRecord {
  if (!r || typeof r.id !== 'string' || r.id.length === 0) throw new Error('incident record without an id');
  const inc = r.incident;
  const lat0 = num(inc.location.lat), lon0 = num(inc.location.lon);
  const hasPoint = lat0 !== null && lon0 !== null;
  const lat = hasPoint ? quantise(lat0) : null;
  const lon = hasPoint ? quantise(lon0) : null;
  const names = r.actors.map((a) => a.name).filter(Boolean);
  const recordJson = JSON.stringify(contentOf(r));
  const reports = reportRows(r.reports ?? []);
  if (inc.perpetrator.name) names.push(inc.perpetrator.name);
  const row: IncidentRow = {
    id: r.id,
    date: inc.date,
    date_end: r.dateEnd ?? null,
    kind: inc.kind,
    country: inc.location.country ?? null,
    admin1: r.admin1 ?? null,
    admin1_derived: r.admin1Derived ?? null,
    lat,
    lon,
    morton: hasPoint ? mortonOf(lat!, lon!) : null,
    location_precision: r.locationPrecision,
    coarse: isCoarse(r.locationPrecision) ? 1 : 0,
    perpetrator_type: inc.perpetrator.type ?? null,
    target_type: inc.target.type ?? null,
    fatalities_best: num(r.fatalities?.best) ?? num(inc.fatalities),
    fatalities_low: num(r.fatalities?.low),
    fatalities_high: num(r.fatalities?.high),
    dataset: r.source.dataset,
    source_id: r.source.id ?? null,
    source_timestamp: num(r.source.timestamp),
    actors_text: fold(names.join('\n')),
    record: recordJson,
    content_hash: hashOf(recordJson, reports),
  };
  return {
    row,
    search: searchBody(r),
    point: hasPoint ? [toE6(lon0), toE6(lat0), dayNumber(inc.date)] : null,
    reports,
  };
}

/** A stored row (SQLite text JSON or PostgreSQL jsonb) back to a record. */
export function rowToRecord(row: Record<string, any>, reports: SourceReport[]): IncidentRecord {
  const content = (typeof row.record === 'string' ? JSON.parse(row.record) : row.record) as StoredContent;
  const assessment = row.assessment == null ? null : typeof row.assessment === 'string' ? (JSON.parse(row.assessment) as string[]) : (row.assessment as string[]);
  return {
    id: row.id as string,
    ...content,
    reports,
    assessment,
    version: Number(row.version),
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
  };
}

export function reportFromRow(row: Record<string, any>): SourceReport {
  const raw = typeof row.raw === 'string' ? JSON.parse(row.raw) : row.raw;
  return {
    dataset: row.dataset,
    sourceId: row.source_id ?? null,
    sourceTimestamp: row.source_timestamp == null ? null : Number(row.source_timestamp),
    raw,
    importedAt: row.imported_at,
  };
}
