import { describe, expect, it } from 'vitest';
import { bodyBuffer } from './body-buffer.ts';

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
});
