import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../errors.ts';
import { detectImportFormat } from '../incident/format.ts';
import { IMPORT_FORMATS, type ImportFormat } from './types.ts';

/**
 * Which format a file is in, when the user did not say (`--format`): the
 * incident module's detection from the name and the first bytes, plus the
 * errors that tell the user what to do. Also: peeking at a stream without
 * losing what was read.
 */

const FORMAT_HELP =
  'expected a UCDP GED CSV export (header with id, type_of_violence, where_prec, best_est…), an ACLED CSV export ' +
  '(event_id_cnty, event_date, event_type…), a GeoJSON FeatureCollection, or incident JSON (one incident or an array); ' +
  `give --format ${IMPORT_FORMATS.join('|')}`;

export function isImportFormat(s: string): s is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(s);
}

/** Reads the first `n` bytes (or all, if shorter) and returns them with a stream that still yields everything. */
export async function peekStream(stream: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let len = 0;
  let ended = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    chunks.push(b);
    len += b.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    for (const c of chunks) yield c;
    chunks.length = 0;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
  }
  const head = Buffer.concat(chunks);
  const rest = Readable.from(replay(), { objectMode: false });
  rest.once('close', () => stream.destroy());
  return { head, stream: rest };
}

function headerNames(text: string): string[] {
  const end = text.search(/\r?\n/);
  const line = (end < 0 ? text : text.slice(0, end)).replace(/^\uFEFF/, '');
  return line.split(',').map((h) => h.trim().replace(/^"|"$/g, '').trim().toLowerCase());
}

/** The format of `file` given its first bytes. Throws InputError when it cannot tell. */
export function detectFormat(file: string, head: Buffer): ImportFormat {
  const ext = extname(file).toLowerCase();
  if (head.length === 0) throw new InputError(`the file is empty; ${FORMAT_HELP}`, { code: 'unreadable_input', where: file });
  if (head.subarray(0, 8192).includes(0)) {
    throw new InputError(`this is not a text file (it holds binary data; a spreadsheet? export it as CSV); ${FORMAT_HELP}`, { code: 'unreadable_input', where: file });
  }
  const text = head.toString('utf8');
  const format = detectImportFormat(file, text);
  if (format) return format;
  const header = headerNames(text);
  if (/\.(csv|tsv|txt)$/.test(ext) || header.length > 3) {
    throw new InputError(
      `cannot tell which CSV export this is: its header (${header.slice(0, 6).join(', ')}${header.length > 6 ? ', …' : ''}) has neither UCDP GED columns ` +
        `(type_of_violence, where_prec) nor ACLED columns (event_id_cnty, sub_event_type); ${FORMAT_HELP}`,
      { code: 'unknown_format', where: file },
    );
  }
  throw new InputError(`cannot tell the format of this file; ${FORMAT_HELP}`, { code: 'unknown_format', where: file });
}
