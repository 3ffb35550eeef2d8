import type { Assessment } from '../charter/engine.ts';
import { closeBody, growBody, openBody, type OpenBody } from './body-buffer.ts';

/**
 * The JSON bytes of an assessment, exactly as `JSON.stringify` would write them,
 * assembled from pieces encoded once. The engine shares and freezes what does
 * not depend on the incident: whole result lists between incidents that fail
 * (or trigger) the same way, each provision's obligation, decision and trace
 * sentences. A frozen value never changes (the engine freezes deeply: a frozen
 * part holds only frozen parts), so its UTF-8 bytes can be kept for as long as
 * the value lives, and an answer is mostly copies of kept bytes.
 *
 * Written straight into bytes: the earlier version built the 7.6 KiB text by
 * concatenating kept strings and then encoded it, which cost more than plain
 * `JSON.stringify` (about 21 µs against 19 µs for the bench's answer, measured
 * 2026-12-04). Copying kept bytes and encoding only the few fresh fields takes
 * about 5 µs in a loop, and the HTTP layer then neither measures nor encodes the answer.
 */
const kept = new WeakMap<object, Buffer>();
/**
 * Frozen parts seen once. Bytes are kept from a part's second sighting: the
 * engine also freezes what it builds for one incident (a triggered provision
 * and its trace), and keeping a copy of those costs a Buffer and a weak entry
 * a request for bytes that are never read again (about 10 % of the route's
 * CPU under load, measured 2026-12-04).
 */
const seenOnce = new WeakSet<object>();
/** `"key":` for each key seen: an assessment has a few dozen distinct keys. */
const keyTexts = new Map<string, string>();
function keyText(key: string): string {
  let t = keyTexts.get(key);
  if (t === undefined) {
    t = `${JSON.stringify(key)}:`;
    if (keyTexts.size < 1000) keyTexts.set(key, t);
  }
  return t;
}

/**
 * The answer is written straight into the free space of a body slab
 * (./body-buffer.ts): `buf` and `at` mirror the open body while it is written.
 * Copying a finished 7.6 KiB answer out of a scratch buffer was half of this
 * module's time, measured 2026-12-04.
 */
let body: OpenBody = openBody();
let buf = body.buf;
let at = 0;

function room(bytes: number): void {
  if (at + bytes <= buf.length) return;
  body.end = at;
  growBody(body, bytes);
  buf = body.buf;
  at = body.end;
}

function text(s: string): void {
  room(s.length * 3); // a UTF-16 code unit is at most 3 bytes of UTF-8
  // Short ASCII text (punctuation, keys, codes, dates) is stored byte by byte: a
  // call into Buffer#write costs about 0.1 µs, and an answer has a hundred such pieces.
  if (s.length <= 32) {
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === s.length) {
      at += i;
      return;
    }
  }
  at += buf.write(s, at, 'utf8');
}

function byte(c: number): void {
  room(1);
  buf[at++] = c;
}

function bytes(b: Buffer): void {
  room(b.length);
  buf.set(b, at);
  at += b.length;
}

/**
 * A string as JSON. Short ASCII without control characters, `"` or `\` (codes, ids,
 * dates: most of an answer's fresh strings) is stored byte by byte between quotes,
 * without the quoted copy JSON.stringify makes; anything else goes through JSON.stringify.
 */
function quoted(s: string): void {
  if (s.length <= 32) {
    room(s.length + 2);
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c) break;
      buf[at + 1 + i] = c;
    }
    if (i === s.length) {
      buf[at] = 0x22;
      buf[at + 1 + i] = 0x22;
      at += i + 2;
      return;
    }
  }
  text(JSON.stringify(s));
}

function write(value: unknown): void {
  if (typeof value === 'string') return quoted(value);
  if (value === null || typeof value !== 'object') {
    text(JSON.stringify(value) ?? 'null');
    return;
  }
  const k = kept.get(value);
  if (k !== undefined) return bytes(k);
  if (!Object.isFrozen(value)) return writeParts(value);
  if (!seenOnce.has(value)) {
    seenOnce.add(value);
    return writeParts(value);
  }
  // Counted from the body's start: room() may move the body to another buffer meanwhile.
  const from = at - body.start;
  writeParts(value);
  kept.set(value, Buffer.from(buf.subarray(body.start + from, at)));
}

function writeParts(value: object): void {
  if (Array.isArray(value)) {
    byte(0x5b); // [
    for (let i = 0; i < value.length; i++) {
      if (i) byte(0x2c); // ,
      // JSON.stringify writes null for what it cannot write inside an array.
      const v: unknown = value[i];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') text('null');
      else write(v);
    }
    byte(0x5d); // ]
  } else if ((value as { toJSON?: unknown }).toJSON !== undefined || Object.getPrototypeOf(value) !== Object.prototype) {
    text(JSON.stringify(value));
  } else {
    let first = true;
    byte(0x7b); // {
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (!first) byte(0x2c); // ,
      text(keyText(key));
      write(v);
      first = false;
    }
    byte(0x7d); // }
  }
}

/** The answer's bytes: what `Buffer.from(JSON.stringify(a))` gives, with the shared parts copied as they are. */
export function assessmentJson(a: Assessment): Buffer {
  body = openBody();
  buf = body.buf;
  at = body.start;
  write(a);
  body.end = at;
  return closeBody(body);
}
