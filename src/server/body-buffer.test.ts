import { describe, expect, it } from 'vitest';
import { bodyBuffer, closeBody, growBody, openBody } from './body-buffer.ts';

describe('bodyBuffer', () => {
  it('never hands out the same bytes twice, across slabs', () => {
    const bodies: Buffer[] = [];
    // ~4 MiB in all: several slabs, sizes that do not divide the slab evenly.
    for (let i = 0; i < 600; i++) {
      const b = bodyBuffer(1 + ((i * 7919) % 15_000));
      b.fill(i % 251);
      bodies.push(b);
    }
    bodies.forEach((b, i) => {
      expect(b.length).toBe(1 + ((i * 7919) % 15_000));
      expect(b.every((x) => x === i % 251)).toBe(true);
    });
  });

  it('gives a large body a buffer of its own', () => {
    const b = bodyBuffer(600_000);
    expect(b.length).toBe(600_000);
    expect(b.byteOffset).toBe(0);
    expect(b.buffer.byteLength).toBe(600_000);
  });

  it('writes a body of unknown size in place, moving it when the slab is full, without touching other bodies', () => {
    const bodies: Array<{ b: Buffer; fill: number }> = [];
    for (let i = 0; i < 300; i++) {
      // A known-size body, then one written piece by piece (1 to 40 pieces of up to 3 KB).
      const b = bodyBuffer(1 + ((i * 31) % 5000));
      b.fill(i % 251);
      bodies.push({ b, fill: i % 251 });
      const open = openBody();
      const pieces = 1 + (i % 40);
      for (let k = 0; k < pieces; k++) {
        growBody(open, 3000);
        open.buf.fill((i + 7) % 251, open.end, open.end + 3000);
        open.end += 3000;
      }
      const written = closeBody(open);
      expect(written.length).toBe(pieces * 3000);
      bodies.push({ b: written, fill: (i + 7) % 251 });
    }
    for (const { b, fill } of bodies) expect(b.every((x) => x === fill)).toBe(true);
  });

  it('moves a body that outgrows a quarter slab to a buffer of its own, keeping what was written', () => {
    const open = openBody();
    for (let k = 0; k < 200; k++) {
      growBody(open, 10_000);
      open.buf.fill(k, open.end, open.end + 10_000);
      open.end += 10_000;
    }
    const b = closeBody(open);
    expect(b.length).toBe(2_000_000);
    for (let k = 0; k < 200; k++) expect(b[k * 10_000]).toBe(k);
    expect(b[1_999_999]).toBe(199);
    const after = bodyBuffer(100);
    expect(after.buffer).not.toBe(b.buffer);
  });
});
