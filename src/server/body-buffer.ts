/**
 * Buffers for response bodies, cut from shared slabs. Allocating a Buffer of a
 * few KiB or more costs 3-5 µs in Node 20 (each is an ArrayBuffer of its own
 * with external memory to account for), against 0.2 µs for a slice of a slab:
 * on a 7.6 KiB `POST /assess` answer that was a tenth of the route's own work.
 *
 * A slice is never handed out twice: a slab is only dropped (and collected once
 * every body cut from it has been sent) when it is full, so no answer can ever
 * carry another's bytes. Bodies larger than a quarter slab get their own Buffer.
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
