import type { MultiPolygon, Polygon } from 'geojson';
import type { IncidentRecord, LocationPrecision, SourceDataset } from '../../incident/record.ts';

/** [minLon, minLat, maxLon, maxLat], edges included. minLon > maxLon is not supported (split an antimeridian box in two). */
export type BBox = [number, number, number, number];

/**
 * What to select. Every given criterion must hold (AND); a list inside one
 * criterion means any of its values (OR).
 */
export interface IncidentFilter {
  bbox?: BBox;
  /** GeoJSON Polygon or MultiPolygon ([lon, lat] rings, holes allowed): bbox prefilter in SQL, then exact point-in-polygon (even–odd). */
  polygon?: Polygon | MultiPolygon;
  /** First day included, YYYY-MM-DD (the incident's start date). */
  from?: string;
  /** Last day included, YYYY-MM-DD. */
  to?: string;
  kind?: string | string[];
  /** ISO 3166-1 alpha-3 of the incident's location. */
  country?: string | string[];
  /** Admin-1 name, as the source gave it or as derived from the shipped boundaries (case-insensitive, whole name). */
  admin1?: string;
  /** Part of an actor's name (case- and accent-insensitive). */
  actor?: string;
  /** Best fatality estimate at least this. */
  minFatalities?: number;
  /** Full text over notes, place name and actor names: every word must appear (as a word prefix). */
  q?: string;
  dataset?: SourceDataset | SourceDataset[];
  /** 'precise': only exact/near locations (drops events placed at an admin or country centroid). Default 'any'. */
  precision?: 'any' | 'precise';
  /** One map cluster's cell, "level/x/y" as GET /incidents/clusters names it: exactly the incidents it counts. */
  cell?: string;
  /**
   * What the stored assessment triggers: 'any' (at least one provision), a charter ('aes-2023': any of its
   * articles) or a charter's article ('aes-2023/6'); several: any of them.
   */
  triggers?: string | string[];
  /** And also triggers this ('any', a charter or an article), on top of `triggers`: code only, not a query parameter. */
  alsoTriggers?: string;
  /** false: only incidents whose assessment is not stored yet (the background refresh's work list). */
  assessed?: boolean;
}

export interface PageOptions {
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
  /** 1–1000, default 100. */
  limit?: number;
  /**
   * false: leave the raw source reports out (items carry `reports: []`), for list views and map
   * popups; they are half of a record's size. Default true. `get(id)` always has them.
   */
  withReports?: boolean;
}

export interface Page<T> {
  items: T[];
  /** null on the last page. */
  nextCursor: string | null;
}

export interface UpsertResult {
  imported: number;
  updated: number;
  unchanged: number;
  /**
   * Incidents corrected by hand whose source says otherwise: left as corrected. Counted on every import that
   * meets them (they wait for a person); `ids.kept` are those whose source row was new and was kept beside
   * the record (a report appended): the only conflicts an import writes.
   */
  conflicts: number;
  ids: { imported: string[]; updated: string[]; conflicts: string[]; kept: string[] };
}

export type TimelineBucket = 'day' | 'week' | 'month';

export interface TimelinePoint {
  /** day: YYYY-MM-DD; week: the Monday YYYY-MM-DD (ISO week); month: YYYY-MM. */
  period: string;
  count: number;
  /** Sum of best estimates (unknown counts as 0). */
  fatalities: number;
}

export type AreaLevel = 'country' | 'admin1';

export interface AreaCount {
  country: string | null;
  /** Admin-1 name (level 'admin1' only): the one derived from the shipped boundaries when known, else the source's. */
  admin1?: string | null;
  count: number;
  fatalities: number;
}

export interface ClusterQuery extends IncidentFilter {
  bbox: BBox;
  /** Map zoom level (Web Mercator, 256 px tiles), 0–22. A cluster cell is 64×64 px at that zoom. */
  zoom: number;
}

export interface Cluster {
  /** Mean position of the incidents in the cell. */
  lat: number;
  lon: number;
  count: number;
  /** How many of them have only a coarse position (admin area or country centroid, unknown). */
  coarse: number;
  /** The cell: zoom-level-independent key "level/x/y" (x, y in Web Mercator cells of 2^level per axis). */
  cell: string;
  /** When count is 1: the incident's id and precision. */
  id?: string;
  precision?: LocationPrecision;
}

export interface ClusterResult {
  clusters: Cluster[];
  /** Sum of the cluster counts: equals count(filter) for the same bbox. */
  total: number;
  /** The cell level used (zoom + 2). */
  level: number;
}

/** The fields `update` may change: a shallow merge over the stored record (ids, versions and times are the store's). */
export type IncidentChanges = Partial<Omit<IncidentRecord, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'reports' | 'assessment'>>;

/** `update` with a stale `expectedVersion`: someone changed the incident since it was read (the API answers 409). */
export class VersionConflict {
  readonly kind = 'version_conflict' as const;
  constructor(
    readonly id: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
    readonly updatedBy: string | null,
    readonly updatedAt: string,
  ) {}
}
