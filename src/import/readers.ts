import type { Readable } from 'node:stream';
import { readUcdpCsv } from '../incident/ucdp/wire.ts';
import { isRowError, mapUcdpRow } from '../incident/ucdp/mapper.ts';
import { readAcledCsv } from '../incident/acled/wire.ts';
import { isAcledRowError, mapAcledRow } from '../incident/acled/mapper.ts';
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

async function* ucdp(stream: Readable, ctx: ReaderContext): AsyncGenerator<ImportItem> {
  const now = ctx.now().toISOString();
  for await (const r of readUcdpCsv(stream, ctx.file)) {
    if (r.error) {
      yield { line: r.line, error: r.error };
      continue;
    }
    const m = mapUcdpRow(r.row, r.line, now);
    if (isRowError(m)) yield { line: r.line, error: m };
    else yield { line: r.line, record: m };
  }
}

async function* acled(stream: Readable, ctx: ReaderContext): AsyncGenerator<ImportItem> {
  const now = ctx.now().toISOString();
  for await (const r of readAcledCsv(stream, ctx.file)) {
    if (r.error) {
      yield { line: r.line, error: r.error };
      continue;
    }
    const m = mapAcledRow(r.row, r.line, now);
    if (isAcledRowError(m)) yield { line: r.line, error: m };
    else yield { line: r.line, record: m };
  }
}

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
