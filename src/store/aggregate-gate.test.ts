import { describe, expect, it } from 'vitest';
import { aggregateGate } from './aggregate-gate.ts';

/** A read that stays open until released, counting how many run at once. */
function reads(n: number) {
  let running = 0, most = 0;
  const release: Array<() => void> = [];
  const read = (i: number) => async () => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((r) => release.push(r));
    running--;
    if (i === 0) throw new Error('the first read fails');
    return i;
  };
  return { read, release, get running() { return running; }, get most() { return most; }, n };
}

describe('the aggregate gate', () => {
  it('runs at most a third of the pool at once, and a failed read frees its place', async () => {
    const gate = aggregateGate(10); // 3 at once
    const r = reads(8);
    const all = Array.from({ length: r.n }, (_, i) => gate(r.read(i)).catch((e: Error) => e.message));
    await new Promise((t) => setTimeout(t, 10));
    expect(r.running).toBe(3);
    while (r.release.length || r.running) {
      r.release.shift()?.();
      await new Promise((t) => setTimeout(t, 1));
    }
    expect(await Promise.all(all)).toEqual(['the first read fails', 1, 2, 3, 4, 5, 6, 7]);
    expect(r.most).toBe(3);
  });

  it('lets one read through on the smallest pools', async () => {
    const gate = aggregateGate(2);
    const r = reads(3);
    const all = Array.from({ length: r.n }, (_, i) => gate(r.read(i + 1)));
    await new Promise((t) => setTimeout(t, 10));
    expect(r.running).toBe(1);
    while (r.release.length || r.running) {
      r.release.shift()?.();
      await new Promise((t) => setTimeout(t, 1));
    }
    expect(await Promise.all(all)).toEqual([1, 2, 3]);
  });
});
