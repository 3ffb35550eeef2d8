import type { Incident } from './incident.ts';

/**
 * An incident as Foedus keeps it: the engine's format plus where it came
 * from. Importers (UCDP, ACLED, GeoJSON, incident JSON) and manual reports
 * all produce this shape; the store persists it; the engine reads only
 * `incident`.
 */

export const SOURCE_DATASETS = ['ucdp_ged', 'acled', 'geojson', 'incident_json', 'manual'] as const;
export type SourceDataset = (typeof SOURCE_DATASETS)[number];

/**
 * How precisely the place is known, on one scale for every source.
 * `exact`/`near` may drive territorial triggers; anything coarser was placed
 * at an admin-area or country centroid and must never be treated as a point.
 */
export const LOCATION_PRECISIONS = ['exact', 'near', 'admin2', 'admin1', 'country', 'water_or_air', 'unknown'] as const;
export type LocationPrecision = (typeof LOCATION_PRECISIONS)[number];

/** How precisely the date is known. */
export const DATE_PRECISIONS = ['day', 'days', 'week', 'month', 'year', 'unknown'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

export interface Actor {
  name: string;
  /** The column the source put it in: side_a, side_b, actor1, actor2, assoc_actor_1, … Never read as attacker/victim. */
  role: string;
  /** ACLED inter code 1–8 (state forces … external/other), when the source gives one. */
  inter?: number | null;
  /** ISO3 when the actor is a state's forces. */
  country?: string | null;
}

/** One raw report as the source gave it, kept verbatim beside the folded incident. */
export interface SourceReport {
  dataset: SourceDataset;
  sourceId: string | null;
  /** Source's own modification stamp (ACLED `timestamp`), used to decide upserts. */
  sourceTimestamp?: number | null;
  /** The raw row or feature, column → value, as read. */
  raw: Record<string, unknown>;
  importedAt: string;
}

export interface IncidentRecord {
  /** Foedus id: "<dataset>:<source id>" for imported events ("ucdp_ged:235799"), a UUID for manual reports. */
  id: string;
  /** The engine's view (normalised: location.country and target.country filled where they can be derived). */
  incident: Incident;
  source: {
    dataset: SourceDataset;
    id: string | null;
    /** The source's own taxonomy, kept as given (UCDP type_of_violence label, ACLED event_type / sub_event_type). */
    eventType: string | null;
    subEventType: string | null;
    timestamp?: number | null;
  };
  actors: Actor[];
  /** Admin names as the source gives them (e.g. "Mopti region"); derived ones from the shipped boundaries are separate. */
  admin1: string | null;
  admin2: string | null;
  /** Admin-1 derived from coordinates with the shipped boundaries (Natural Earth name), null when not derivable. */
  admin1Derived: string | null;
  placeName: string | null;
  locationPrecision: LocationPrecision;
  /** The source's own precision codes, verbatim (UCDP where_prec/date_prec, ACLED geo_precision/time_precision). */
  sourcePrecision: { where?: number | null; date?: number | null };
  dateEnd: string | null;
  datePrecision: DatePrecision;
  fatalities: { best: number | null; low: number | null; high: number | null };
  notes: string | null;
  sources: string[];
  /** BCP 47 language of the free text (notes, place descriptions), e.g. "en", "fr". */
  textLang: string | null;
  reports: SourceReport[];
  /** Triggered "charter/article" pairs from the last `foedus incidents assess`, null when never assessed. */
  assessment: string[] | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}
