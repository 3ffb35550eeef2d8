import type { Readable } from 'node:stream';
import { InputError } from '../errors.ts';

/**
 * Streaming split of a big JSON document into its elements, so incident
 * JSON arrays and GeoJSON FeatureCollections import in constant memory:
 * only one element's text is held at a time. A structural scanner (strings,
 * escapes, brackets) finds element boundaries; each element is then parsed
 * with JSON.parse, so a malformed element is reported on its own (with its
 * index and line) and the others still come through.
 *
 * - mode 'array': the document is an array of elements, or one lone object
 *   (yielded as element 0, `lone: true`).
 * - mode 'features': the document is an object whose "features" member is
 *   the array; the other top-level members (type, bbox, name…) are small and
 *   collected, then checked by `onOuter` at the end.
 *
 * Memory is bounded: an element longer than MAX_ELEMENT_CHARS (1 MiB; an incident or a Point feature
 * is a few hundred bytes) is not kept: the scanner goes on to its end and reports it as a bad
 * element, and the elements after it still come through. The top-level members of a
 * FeatureCollection besides "features" are bounded the same way (past it, the file is refused).
 */

/** The longest element kept, in characters (1 MiB), and the longest top-level text of a FeatureCollection. */
export const MAX_ELEMENT_CHARS = 1024 * 1024;
/** A top-level key longer than this cannot be "features": it is not kept. */
const MAX_KEY_CHARS = 64;

export type JsonElement =
  | { index: number; line: number; lone: boolean; value: unknown; error?: undefined }
  | { index: number; line: number; lone: boolean; value?: undefined; error: string };

export interface JsonStreamOptions {
  mode: 'array' | 'features';
  file: string;
  /** Called once at the end with the top-level object minus its features (mode 'features'). */
  onOuter?: (outer: Record<string, unknown>) => void;
}

export async function* readJsonElements(stream: Readable | AsyncIterable<string | Buffer>, opts: JsonStreamOptions): AsyncGenerator<JsonElement> {
  const decoder = new TextDecoder('utf-8');
  let line = 1;
  let depth = 0; // bracket depth of the whole document
  let inString = false;
  let escape = false;
  let started = false; // saw the first non-space character
  let lone = false;
  let containerDepth = -1; // depth inside the element array (elements start at this depth)
  let arrayDone = false;
  let index = 0;
  let elem: string[] | null = null; // text of the current element
  let elemChars = 0; // its length so far (counted on, not kept, past MAX_ELEMENT_CHARS)
  let elemLine = 0;
  let outer = ''; // features mode: top-level text with the features array replaced by []
  let lastString = '';
  let stringBuf: string[] | null = null;
  let keyPending = false; // features mode: the last depth-1 token was a string followed by ':'
  const at = (): string => `${opts.file}:${line}`;

  const finishElement = function* (): Generator<JsonElement> {
    if (!elem) return;
    const tooLong = elemChars > MAX_ELEMENT_CHARS;
    const text = elem.join('').trim();
    elem = null;
    elemChars = 0;
    if (tooLong) {
      yield { index, line: elemLine, lone, error: `element longer than ${MAX_ELEMENT_CHARS.toLocaleString('en')} characters: Foedus reads elements of at most 1 MiB (an incident is a few hundred bytes), so it was skipped` };
      index++;
      return;
    }
    if (text === '') return;
    try {
      yield { index, line: elemLine, lone, value: JSON.parse(text) as unknown };
    } catch (e) {
      yield { index, line: elemLine, lone, error: `not valid JSON (${(e as Error).message})` };
    }
    index++;
  };

  for await (const chunk of stream as AsyncIterable<string | Buffer>) {
    const s = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let segStart = 0; // start of the part of `s` that belongs to the current element / outer text
    const flush = (end: number): void => {
      if (end > segStart) {
        const piece = s.slice(segStart, end);
        if (elem) {
          elemChars += piece.length;
          // Past the bound the element's text is dropped; its length is still counted, to report it.
          if (elemChars <= MAX_ELEMENT_CHARS) elem.push(piece);
          else elem.length = 0;
        } else if (opts.mode === 'features' && (containerDepth === -1 || arrayDone) && !lone) {
          outer += piece;
          if (outer.length > MAX_ELEMENT_CHARS) {
            throw new InputError(`the FeatureCollection's members besides "features" are longer than ${MAX_ELEMENT_CHARS.toLocaleString('en')} characters; Foedus reads at most 1 MiB of them`, { code: 'record_too_large', where: at() });
          }
        }
      }
      segStart = end;
    };
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\n') line++;
      if (inString) {
        if (stringBuf && stringBuf.length <= MAX_KEY_CHARS) stringBuf.push(c);
        if (escape) escape = false;
        else if (c === '\\') escape = true;
        else if (c === '"') {
          inString = false;
          if (stringBuf) {
            lastString = stringBuf.length > MAX_KEY_CHARS ? '' : stringBuf.slice(0, -1).join('');
            stringBuf = null;
          }
        }
        continue;
      }
      const ws = c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF';
      if (ws) continue;
      if (!started) {
        started = true;
        if (opts.mode === 'array') {
          if (c === '[') {
            depth = 1;
            containerDepth = 1;
            segStart = i + 1;
            continue;
          }
          if (c !== '{') throw new InputError('expected a JSON array of incidents or one incident object', { code: 'invalid_json', where: at() });
          lone = true; // one object (or several concatenated / one per line)
          containerDepth = 0;
          segStart = i;
        } else if (c !== '{') {
          throw new InputError('expected a GeoJSON FeatureCollection object', { code: 'invalid_json', where: at() });
        }
      }
      // The first character of an element.
      if (containerDepth >= 0 && depth === containerDepth && !elem && !arrayDone && c !== ',' && c !== ']' && c !== '}') {
        flush(i);
        elem = [];
        elemLine = line;
      }
      if (c === '"') {
        inString = true;
        if (opts.mode === 'features' && depth === 1 && containerDepth === -1) stringBuf = [];
        continue;
      }
      if (opts.mode === 'features' && depth === 1 && containerDepth === -1) {
        if (c === ':') {
          keyPending = lastString === 'features';
          continue;
        }
        if (c === '[' && keyPending) {
          flush(i);
          outer += '[]';
          depth = 2;
          containerDepth = 2;
          segStart = i + 1;
          keyPending = false;
          continue;
        }
        keyPending = false;
      }
      if (c === '{' || c === '[') {
        depth++;
        continue;
      }
      if (c === '}' || c === ']') {
        depth--;
        if (depth < 0) throw new InputError(`unbalanced "${c}"`, { code: 'invalid_json', where: at() });
        if (lone && depth === 0) {
          flush(i + 1);
          yield* finishElement();
        } else if (containerDepth > 0 && depth === containerDepth - 1 && !arrayDone) {
          // the element array closes
          flush(i);
          yield* finishElement();
          arrayDone = true;
          segStart = i + 1;
        }
        continue;
      }
      if (c === ',' && depth === containerDepth && !arrayDone && !lone) {
        flush(i);
        yield* finishElement();
        segStart = i + 1;
      }
    }
    flush(s.length);
  }
  if (!started) throw new InputError('the file is empty', { code: 'invalid_json', where: opts.file });
  if (inString || depth !== 0) throw new InputError('the JSON ends early (an unclosed string, array or object): the file looks truncated', { code: 'invalid_json', where: at() });
  if (opts.mode === 'features') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(outer);
    } catch (e) {
      throw new InputError(`the FeatureCollection's top-level members are not valid JSON (${(e as Error).message})`, { code: 'invalid_json', where: opts.file });
    }
    opts.onOuter?.(parsed as Record<string, unknown>);
    if (containerDepth === -1) {
      throw new InputError('expected a GeoJSON FeatureCollection with a "features" array', { code: 'invalid_geojson', where: opts.file });
    }
  }
}
