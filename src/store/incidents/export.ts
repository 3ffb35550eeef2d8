import type { IncidentRecord } from '../../incident/record.ts';
import { isCoarse } from './rows.ts';

/**
 * The export formats of incident records (CSV with a fixed header, GeoJSON RFC 7946),
 * as a stream of text chunks: the CLI (`foedus incidents export`) writes them to a file
 * or stdout, the API (`GET /api/v1/incidents/export`) to the response — the same rows
 * in the same bytes for the same filter, in constant memory.
 */

export const EXPORT_FORMATS = ['csv', 'geojson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_COLUMNS = [
  'id', 'date', 'date_end', 'date_precision', 'kind', 'country', 'admin1', 'admin1_derived', 'admin2', 'lat', 'lon', 'location_precision', 'coarse',
  'place_name', 'perpetrator_type', 'perpetrator_name', 'target_type', 'target_country', 'fatalities_best', 'fatalities_low', 'fatalities_high',
  'actors', 'dataset', 'source_id', 'source_event_type', 'source_sub_event_type', 'notes', 'sources', 'text_lang', 'assessment', 'version', 'updated_at',
] as const;

/** Credit owed to the sources whose rows are exported (their licences ask for it). */
export const ATTRIBUTION: Record<string, string> = {
  ucdp_ged: 'UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, CC BY 4.0',
  acled: 'Armed Conflict Location & Event Data (ACLED), under its terms of use',
};

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function flat(r: IncidentRecord): Record<(typeof CSV_COLUMNS)[number], unknown> {
  const i = r.incident;
  return {
    id: r.id,
    date: i.date,
    date_end: r.dateEnd,
    date_precision: r.datePrecision,
    kind: i.kind,
    country: i.location.country,
    admin1: r.admin1,
    admin1_derived: r.admin1Derived,
    admin2: r.admin2,
    lat: i.location.lat,
    lon: i.location.lon,
    location_precision: r.locationPrecision,
    coarse: isCoarse(r.locationPrecision),
    place_name: r.placeName,
    perpetrator_type: i.perpetrator.type,
    perpetrator_name: i.perpetrator.name,
    target_type: i.target.type,
    target_country: i.target.country,
    fatalities_best: r.fatalities.best ?? i.fatalities,
    fatalities_low: r.fatalities.low,
    fatalities_high: r.fatalities.high,
    actors: r.actors.map((a) => `${a.name} (${a.role})`).join('; '),
    dataset: r.source.dataset,
    source_id: r.source.id,
    source_event_type: r.source.eventType,
    source_sub_event_type: r.source.subEventType,
    notes: r.notes,
    sources: r.sources.join('; '),
    text_lang: r.textLang,
    assessment: r.assessment === null ? null : r.assessment.join(' '),
    version: r.version,
    updated_at: r.updatedAt,
  };
}

function feature(r: IncidentRecord): string {
  const { lat, lon } = r.incident.location;
  const geometry = lat !== undefined && lon !== undefined ? { type: 'Point', coordinates: [lon, lat] } : null;
  const properties: Record<string, unknown> = { ...flat(r) };
  delete properties.lat;
  delete properties.lon;
  return JSON.stringify({ type: 'Feature', id: r.id, geometry, properties });
}

/** What an export wrote: how many rows, and the credit lines of their datasets. */
export interface ExportSummary {
  count: number;
  credit: string[];
}

/**
 * The export as text chunks (one per record, plus head and tail). `summary` is filled
 * as rows go by, so a caller can report the count once the stream has ended.
 */
export async function* exportChunks(records: AsyncIterable<IncidentRecord>, format: ExportFormat, summary: ExportSummary = { count: 0, credit: [] }): AsyncGenerator<string> {
  const datasets = new Set<string>();
  yield format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : '{"type":"FeatureCollection","features":[\n';
  for await (const r of records) {
    datasets.add(r.source.dataset);
    if (format === 'csv') {
      const f = flat(r);
      yield `${CSV_COLUMNS.map((c) => csvField(f[c])).join(',')}\n`;
    } else yield `${summary.count ? ',\n' : ''}${feature(r)}`;
    summary.count++;
  }
  summary.credit = [...datasets].map((d) => ATTRIBUTION[d]).filter((c): c is string => !!c);
  if (format === 'geojson') yield `\n]${summary.credit.length ? `,"attribution":${JSON.stringify(summary.credit.join('; '))}` : ''}}\n`;
}
