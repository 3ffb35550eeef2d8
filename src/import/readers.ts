import type { Readable } from 'node:stream';
import { readUcdpCsv } from '../incident/ucdp/wire.ts';
import { mapUcdpRow } from '../incident/ucdp/mapper.ts';
import { readAcledCsv } from '../incident/acled/wire.ts';
import { mapAcledRow } from '../incident/acled/mapper.ts';
import type { CsvLine, RowError } from '../incident/csv.ts';
import { isRowError } from '../incident/reject.ts';
import { readGeojson } from '../incident/geojson/mapper.ts';
import { isItemError, readIncidentJson, type ItemError } from '../incident/json.ts';
import type { IncidentRecord } from '../incident/record.ts';
import type { ImportFormat, ImportItem } from './types.ts';

/**
 * One reader per format: the source's streaming parser and its mapper, both
 * from src/incident, turned into ImportItems (a record, or a rejected row
 * with line, column and reason). No parsing or mapping happens here.
 */

export interface ReaderContext {
  file: string;
  now: () => Date;
}

export type FormatReader = (stream: Readable, ctx: ReaderContext) => AsyncIterable<ImportItem>;

/** CSV inputs: the source's reader and mapper; a row either reader or mapper refuses is a rejected row at its line. */
function csv<R>(read: (stream: Readable, file: string) => AsyncIterable<CsvLine<R>>, map: (row: R, line: number, now: string) => IncidentRecord | RowError): FormatReader {
  return async function* (stream, ctx) {
    const now = ctx.now().toISOString();
    for await (const r of read(stream, ctx.file)) {
      if (r.error) {
        yield { line: r.line, error: r.error };
        continue;
      }
      const m = map(r.row, r.line, now);
      if (isRowError(m)) yield { line: r.line, error: m };
      else yield { line: r.line, record: m };
    }
  };
}

const ucdp = csv(readUcdpCsv, mapUcdpRow);
const acled = csv(readAcledCsv, mapAcledRow);

/** JSON inputs: the line where the element starts, its JSON path as the "column". */
async function* fromJson(results: AsyncIterable<IncidentRecord | ItemError>): AsyncGenerator<ImportItem> {
  for await (const m of results) {
    if (isItemError(m)) yield { line: m.line, error: { line: m.line, column: m.path, reason: m.reason } };
    else yield { line: 0, record: m };
  }
}

const geojson: FormatReader = (stream, ctx) => fromJson(readGeojson(stream, ctx.now().toISOString(), ctx.file));
const incident: FormatReader = (stream, ctx) => fromJson(readIncidentJson(stream, ctx.now().toISOString(), ctx.file));

const READERS: Record<ImportFormat, FormatReader> = { ucdp, acled, geojson, incident };

export function readerFor(format: ImportFormat): FormatReader {
  return READERS[format];
}
