import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { InputError } from '../../errors.ts';

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

export interface RowError {
  /** Physical line (1-based) where the record starts in the file. */
  line: number;
  /** Column name, or null when the whole record is at fault. */
  column: string | null;
  reason: string;
}

export type UcdpLine = { line: number; row: UcdpRow; error?: undefined } | { line: number; row?: undefined; error: RowError };

/**
 * Stream UCDP GED records with the physical line where each starts.
 * Constant memory: one record at a time. A record whose field count does not
 * match the header, or whose quoting is broken, is yielded as an `error`
 * (with its line) and reading goes on. A missing required column in the
 * header is an InputError (nothing can be mapped).
 */
export async function* readUcdpCsv(stream: Readable | AsyncIterable<string | Buffer>, file = 'input'): AsyncGenerator<UcdpLine> {
  const skipped: RowError[] = [];
  let prevEnd = 0;
  let prevEmpty = 0;
  const parser = parse({
    info: true,
    bom: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      skipped.push({ line: prevEnd + 1, column: null, reason: `unreadable CSV record: ${err?.message ?? 'malformed quoting'}; fix the quoting of this record` });
      const lines = (err as unknown as { lines?: unknown } | undefined)?.lines;
      if (typeof lines === 'number') prevEnd = lines;
      return undefined;
    },
  });
  const readable = stream instanceof Readable ? stream : Readable.from(stream);
  readable.on('error', (e) => parser.destroy(e));
  const source = readable.pipe(parser);

  let header: string[] | null = null;
  for await (const chunk of source as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
    while (skipped.length) yield { line: skipped[0]!.line, error: skipped.shift()! };
    const { record, info } = chunk;
    const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
    if (!header) {
      header = record.map((h) => ESTIMATE_ALIASES[h.trim()] ?? h.trim());
      const missing = UCDP_REQUIRED.filter((c) => !header!.includes(c));
      if (missing.length) {
        throw new InputError(
          `not a UCDP GED CSV export: the header lacks ${missing.join(', ')}; export GED events as CSV with UCDP's column names`,
          { code: 'bad_header', where: `${file}:${line}` },
        );
      }
      continue;
    }
    let fields = record;
    // The export's trailing comma: one extra, empty, unnamed field.
    if (fields.length === header.length + 1 && fields[fields.length - 1] === '') fields = fields.slice(0, -1);
    if (fields.length !== header.length) {
      yield {
        line,
        error: {
          line,
          column: null,
          reason: `the record has ${fields.length} fields where the header has ${header.length}; check for an unquoted comma or a truncated line`,
        },
      };
      continue;
    }
    const row: Record<string, string> = {};
    for (const c of UCDP_COLUMNS) row[c] = '';
    for (let i = 0; i < header.length; i++) row[header[i]!] = fields[i]!;
    yield { line, row: row as UcdpRow };
  }
  while (skipped.length) yield { line: skipped[0]!.line, error: skipped.shift()! };
  if (!header) throw new InputError('the file is empty: expected a UCDP GED CSV export with a header line', { code: 'bad_header', where: file });
}
