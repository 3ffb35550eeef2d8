import type { Readable } from 'node:stream';
import { readCsvRecords, type RowError } from '../csv.ts';

/**
 * The UCDP GED CSV export as it comes off UCDP's web/API download
 * (../shared/data/ucdp_ged_sahel/raw): 47 named columns; every data line
 * ends with a trailing comma, i.e. an empty 48th field with no header;
 * quoted fields may hold line breaks and doubled quotes; dates are
 * `MM/DD/YYYY 00:00:00`. The repaired Niger file adds a `repair_status`
 * column (intact / rejoined / partial) and has no trailing comma.
 *
 * Columns are matched by header name, so order does not matter and extra
 * columns (e.g. gwnoa/gwnob of newer releases) are kept in the row.
 */

export const UCDP_COLUMNS = [
  'id', 'relid', 'year', 'active_year', 'code_status', 'type_of_violence', 'conflict_dset_id', 'conflict_new_id',
  'conflict_name', 'dyad_dset_id', 'dyad_new_id', 'dyad_name', 'side_a_dset_id', 'side_a_new_id', 'side_a',
  'side_b_dset_id', 'side_b_new_id', 'side_b', 'number_of_sources', 'source_article', 'source_office', 'source_date',
  'source_headline', 'source_original', 'where_prec', 'where_coordinates', 'where_description', 'adm_1', 'adm_2',
  'latitude', 'longitude', 'geom_wkt', 'priogrid_gid', 'country', 'country_id', 'region', 'event_clarity', 'date_prec',
  'date_start', 'date_end', 'deaths_a', 'deaths_b', 'deaths_civilians', 'deaths_unknown', 'best_est', 'high_est', 'low_est',
] as const;

export type UcdpColumn = (typeof UCDP_COLUMNS)[number];

/**
 * The columns a mapper cannot do without. UCDP's own downloads name the
 * estimates `best`/`high`/`low` in some releases and `best_est`/… in others:
 * either is accepted (see `ESTIMATE_ALIASES`).
 */
export const UCDP_REQUIRED = [
  'id', 'type_of_violence', 'side_a', 'side_b', 'where_prec', 'latitude', 'longitude', 'country', 'date_prec',
  'date_start', 'date_end', 'best_est', 'high_est', 'low_est',
] as const;

export const ESTIMATE_ALIASES: Record<string, string> = { best: 'best_est', high: 'high_est', low: 'low_est' };

/** One record, column → raw text. Every UCDP column is present (possibly ''), plus any extra columns. */
export type UcdpRow = Record<UcdpColumn, string> & { repair_status?: string } & Record<string, string>;

export type { RowError } from '../csv.ts';

export type UcdpLine = { line: number; row: UcdpRow; error?: undefined } | { line: number; row?: undefined; error: RowError };

/**
 * Stream UCDP GED records with the physical line where each starts.
 * Constant memory: one record at a time. A record whose field count does not
 * match the header, or whose quoting is broken, is yielded as an `error`
 * (with its line) and reading goes on. A missing required column in the
 * header is an InputError (nothing can be mapped).
 */
export async function* readUcdpCsv(stream: Readable | AsyncIterable<string | Buffer>, file = 'input'): AsyncGenerator<UcdpLine> {
  yield* readCsvRecords(stream, {
    file,
    format: 'a UCDP GED CSV export',
    required: UCDP_REQUIRED,
    columns: UCDP_COLUMNS,
    normaliseHeader: (h) => ESTIMATE_ALIASES[h.trim()] ?? h.trim(),
    trailingComma: true,
    headerHint: "export GED events as CSV with UCDP's column names",
  }) as AsyncGenerator<UcdpLine>;
}
