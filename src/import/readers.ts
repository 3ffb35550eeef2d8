import type { Readable } from 'node:stream';
import { InputError } from '../errors.ts';
import { readUcdpCsv } from '../incident/ucdp/wire.ts';
import { isRowError, mapUcdpRow } from '../incident/ucdp/mapper.ts';
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

function notYet(format: ImportFormat): FormatReader {
  return () => {
    throw new InputError(`importing ${format} is not available in this build yet`, { code: 'unsupported_format' });
  };
}

const READERS: Record<ImportFormat, FormatReader> = {
  ucdp,
  acled: notYet('acled'),
  geojson: notYet('geojson'),
  incident: notYet('incident'),
};

export function readerFor(format: ImportFormat): FormatReader {
  return READERS[format];
}
