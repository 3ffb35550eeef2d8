import { parse, type CsvError, type Options } from 'csv-parse';
import { Readable } from 'node:stream';
import { InputError } from '../errors.ts';

/**
 * Streaming CSV records with the physical line each starts on, shared by the
 * UCDP and ACLED wire readers. Constant memory: one record at a time
 * (csv-parse handles quoted fields with line breaks and doubled quotes).
 */

export interface RowError {
  /** Physical line (1-based) where the record starts in the file. */
  line: number;
  /** Column name, or null when the whole record is at fault. */
  column: string | null;
  reason: string;
}

export type CsvLine<R> = { line: number; row: R; error?: undefined } | { line: number; row?: undefined; error: RowError };

export interface CsvOptions {
  /** Name of the input, for messages ("ged_mali.csv"). */
  file: string;
  /** What the file should be, for messages ("a UCDP GED CSV export"). */
  format: string;
  /** Header names (after `normaliseHeader`) that must be present. */
  required: readonly string[];
  /** Every row gets these keys ('' when the file lacks the column). */
  columns: readonly string[];
  /** Map a raw header cell to the column name used in rows. */
  normaliseHeader?: (h: string) => string;
  /** Tolerate one trailing empty, unnamed field per record (UCDP's trailing comma). */
  trailingComma?: boolean;
  /** How to fix a bad header, appended to the message. */
  headerHint: string;
}

/**
 * The longest record read, in characters (1 MiB): a UCDP or ACLED row is a few kilobytes. Without a
 * bound, one endless line (a quote left open swallows the rest of the file) was held whole, at ten
 * times its size, before anything was said. csv-parse cannot find the next record after one too
 * long, so such a record stops the import there, saying where; the batches committed before it stay.
 */
export const MAX_RECORD_CHARS = 1024 * 1024;

export async function* readCsvRecords(
  stream: Readable | AsyncIterable<string | Buffer>,
  opts: CsvOptions,
): AsyncGenerator<CsvLine<Record<string, string>>> {
  // Line numbers are counted here from each record's raw text: csv-parse's
  // own `info.lines` miscounts CRLF inside quoted fields. on_record/on_skip
  // run synchronously, in file order, ahead of the consumer; a skipped
  // (unreadable) record is queued with the number of records parsed before
  // it, so it is yielded in file order. Blank lines are kept as [''] records
  // (so they are counted) and dropped below.
  const skipped: { before: number; error: RowError }[] = [];
  let nextLine = 1;
  let parsedRecords = 0;
  const span = (raw: string | undefined): number => {
    if (!raw) return 1;
    const body = raw.replace(/(?:\r\n|\n|\r)$/, '');
    let n = 1;
    for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) n++;
    return n;
  };
  // csv-parse checks each record's field count against the first record's (the header) and, even with
  // relax_column_count, builds a CsvError for every mismatch before ignoring it: a stack trace plus deep
  // copies of the options and the record, about a third of the parse time on a UCDP export, whose data
  // lines all carry one field more than the header (the trailing comma). So once the first data record
  // shows that shape, the parser's expected count follows it (its internal state: csv-parse is pinned,
  // and csv.test.ts fails if the errors come back). Field counts are still checked below, per record.
  let shapeSet = !opts.trailingComma;
  const followDataShape = (record: string[]) => {
    shapeSet = true;
    const state = (parser as unknown as { state?: { expectedRecordLength?: unknown } }).state;
    if (state && typeof state.expectedRecordLength === 'number' && record.length === state.expectedRecordLength + 1 && record[record.length - 1] === '') {
      state.expectedRecordLength = record.length;
    }
  };
  const parser = parse({
    raw: true,
    bom: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    // With `raw`, csv-parse hands on_record { record, raw }.
    on_record: ((rec: { record: string[]; raw: string }) => {
      const line = nextLine;
      nextLine += span(rec.raw);
      parsedRecords++;
      if (!shapeSet && parsedRecords > 1 && rec.record.length > 1) followDataShape(rec.record);
      return { record: rec.record, line };
    }) as unknown as Options['on_record'],
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      if (err?.code === 'CSV_MAX_RECORD_SIZE') {
        parser.destroy(new InputError(`a record longer than ${MAX_RECORD_CHARS.toLocaleString('en')} characters starts here: Foedus reads records of at most 1 MiB (a quote left open makes the rest of the file one record); the import stops here, what it committed before is kept`, { code: 'record_too_large', where: `${opts.file}:${nextLine}` }));
        return undefined;
      }
      const line = nextLine;
      nextLine += span(raw);
      skipped.push({
        before: parsedRecords,
        error: { line, column: null, reason: `unreadable CSV record: ${err?.message ?? 'malformed quoting'}; fix the quoting of this record` },
      });
      return undefined;
    },
  });
  const readable = stream instanceof Readable ? stream : Readable.from(stream);
  readable.on('error', (e) => parser.destroy(e));
  const source = readable.pipe(parser) as AsyncIterable<{ record: string[]; line: number }>;
  const norm = opts.normaliseHeader ?? ((h: string) => h.trim());
  let consumed = 0;

  let header: string[] | null = null;
  for await (const { record, line } of source) {
    while (skipped.length && skipped[0]!.before <= consumed) {
      const { error } = skipped.shift()!;
      yield { line: error.line, error };
    }
    consumed++;
    if (record.length === 1 && record[0]!.trim() === '' && (!header || header.length > 1)) continue; // blank line
    if (!header) {
      header = record.map(norm);
      const have = header;
      const missing = opts.required.filter((c) => !have.includes(c));
      if (missing.length) {
        throw new InputError(`not ${opts.format}: the header lacks ${missing.join(', ')}; ${opts.headerHint}`, {
          code: 'bad_header',
          where: `${opts.file}:${line}`,
        });
      }
      continue;
    }
    let fields = record;
    if (opts.trailingComma && fields.length === header.length + 1 && fields[fields.length - 1] === '') fields = fields.slice(0, -1);
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
    for (const c of opts.columns) row[c] = '';
    for (let i = 0; i < header.length; i++) row[header[i]!] = fields[i]!;
    yield { line, row };
  }
  for (const { error } of skipped) yield { line: error.line, error };
  if (!header) throw new InputError(`the file is empty: expected ${opts.format} with a header line`, { code: 'bad_header', where: opts.file });
}
