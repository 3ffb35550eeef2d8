import type { Readable } from 'node:stream';
import { readCsvRecords, type CsvLine } from '../csv.ts';

export type { RowError } from '../csv.ts';

/**
 * ACLED CSV as exported by acleddata.com / the ACLED API (codebook columns,
 * see ../shared/research/anchors.md §3.5). Header names are matched case-
 * insensitively ("EVENT_ID_CNTY" in older exports); order does not matter;
 * extra columns (event_id_no_cnty, data_id, iso3, population_best…) are kept
 * in the row.
 */

export const ACLED_COLUMNS = [
  'event_id_cnty', 'event_date', 'year', 'time_precision', 'disorder_type', 'event_type', 'sub_event_type',
  'actor1', 'assoc_actor_1', 'inter1', 'actor2', 'assoc_actor_2', 'inter2', 'interaction', 'civilian_targeting',
  'iso', 'region', 'country', 'admin1', 'admin2', 'admin3', 'location', 'latitude', 'longitude', 'geo_precision',
  'source', 'source_scale', 'notes', 'fatalities', 'tags', 'timestamp',
] as const;

export type AcledColumn = (typeof ACLED_COLUMNS)[number];

export const ACLED_REQUIRED = [
  'event_id_cnty', 'event_date', 'event_type', 'sub_event_type', 'actor1', 'inter1', 'actor2', 'inter2',
  'country', 'latitude', 'longitude', 'fatalities',
] as const;

export type AcledRow = Record<AcledColumn, string> & Record<string, string>;
export type AcledLine = CsvLine<AcledRow>;

/** Stream ACLED records with the physical line each starts on; bad records come as `error` and reading goes on. */
export async function* readAcledCsv(stream: Readable | AsyncIterable<string | Buffer>, file = 'input'): AsyncGenerator<AcledLine> {
  yield* readCsvRecords(stream, {
    file,
    format: 'an ACLED CSV export',
    required: ACLED_REQUIRED,
    columns: ACLED_COLUMNS,
    normaliseHeader: (h) => h.trim().toLowerCase(),
    headerHint: "export events from ACLED as CSV with the codebook's column names",
  }) as AsyncGenerator<AcledLine>;
}
