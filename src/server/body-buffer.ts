/**
 * Buffers for response bodies, cut from shared slabs. Allocating a Buffer of a
 * few KiB or more costs 3-5 µs in Node 20 (each is an ArrayBuffer of its own
 * with external memory to account for), against 0.2 µs for a slice of a slab:
 * on a 7.6 KiB `POST /assess` answer that was a tenth of the route's own work.
 *
 * A slice is never handed out twice: a slab is only dropped (and collected once
 * every body cut from it has been sent) when it is full, so no answer can ever
 * carry another's bytes. Bodies larger than a quarter slab get their own Buffer.
 *
 * A body whose size is known up front takes `bodyBuffer(size)`. A body written
 * as it is made (the assessment's JSON) is written straight into the free space
 * of the current slab (`openBody`), moved to a new slab when it outgrows it
 * (`growBody`), and cut when complete (`closeBody`): no scratch copy.
 */
const SLAB_BYTES = 1 << 20;
let slab = Buffer.allocUnsafeSlow(0);
let used = 0;

export function bodyBuffer(size: number): Buffer {
  if (size > SLAB_BYTES >>> 2) return Buffer.allocUnsafeSlow(size);
  if (used + size > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + size);
  used += (size + 7) & ~7; // 8-byte aligned, like Node's own pool
  return out;
}

/** An unfinished body: its bytes are `buf[start, end)`; `buf` has room up to its length. */
export interface OpenBody {
  buf: Buffer;
  start: number;
  end: number;
}

/** Starts a body in the free space of the current slab. Nothing is reserved until `closeBody`. */
export function openBody(): OpenBody {
  return { buf: slab, start: used, end: used };
}

/**
 * Makes room for `bytes` more: when the slab is too full, the body so far moves to
 * a new slab (or, past a quarter slab, to a buffer of its own that can hold twice
 * what is needed, so a growing body moves a logarithmic number of times).
 */
export function growBody(body: OpenBody, bytes: number): void {
  const { buf, start, end } = body;
  if (end + bytes <= buf.length) return;
  const size = end - start;
  const need = size + bytes;
  const next = need > SLAB_BYTES >>> 2 ? Buffer.allocUnsafeSlow(Math.max(need * 2, SLAB_BYTES)) : Buffer.allocUnsafeSlow(SLAB_BYTES);
  if (size > 0) buf.copy(next, 0, start, end);
  if (need <= SLAB_BYTES >>> 2) {
    slab = next;
    used = 0;
  }
  body.buf = next;
  body.start = 0;
  body.end = size;
}

/** The finished body's bytes; they are its own from now on (the slab's free space starts after them). */
export function closeBody(body: OpenBody): Buffer {
  if (body.buf === slab) used = (body.end + 7) & ~7;
  return body.buf.subarray(body.start, body.end);
}
