import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, entryHash, nextEntry, verifyChain, type LedgerEntry } from './chain.ts';

function chain(n: number): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(nextEntry(out.at(-1) ?? null, { actor: 'user:ops', action: 'incident.created', target: `incident:${i}`, payload: { n: i, tags: ['a', 'b'], nested: { z: 1, a: null } } }, new Date(Date.UTC(2026, 0, 1, 0, 0, i))));
  }
  return out;
}

/** A copy of the entry with a new hash, as a forger who knows the scheme would write it. */
function rehashed(e: Omit<LedgerEntry, 'hash'>): LedgerEntry {
  return { ...e, hash: entryHash(e) };
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, so key order does not change the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é' } })).toBe('{"a":{"c":"é","d":[1,{"x":1,"y":2}]},"b":1}');
    const a = nextEntry(null, { actor: 'a', action: 'x', target: 't', payload: { b: 1, a: 2 } }, new Date(0));
    const b = nextEntry(null, { actor: 'a', action: 'x', target: 't', payload: { a: 2, b: 1 } }, new Date(0));
    expect(a.hash).toBe(b.hash);
  });

  it('refuses what JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ x: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(new Map())).toThrow(TypeError);
  });
});

describe('verifyChain', () => {
  it('passes an intact chain of many entries, and an empty one', async () => {
    const c = chain(2000);
    expect(c[0]!.prevHash).toBe(GENESIS_HASH);
    expect(await verifyChain(c)).toEqual({ ok: true, checked: 2000, head: { seq: 2000, hash: c[1999]!.hash } });
    expect(await verifyChain(c, { head: { seq: 2000, hash: c[1999]!.hash } })).toMatchObject({ ok: true });
    expect(await verifyChain([])).toEqual({ ok: true, checked: 0, head: null });
    expect(await verifyChain([], { head: null })).toMatchObject({ ok: true });
  });

  it('accepts an async iterable', async () => {
    const c = chain(5);
    async function* gen() {
      yield* c;
    }
    expect(await verifyChain(gen())).toMatchObject({ ok: true, checked: 5 });
  });

  it('catches an edited entry (hash mismatch) and names it', async () => {
    const c = chain(50);
    c[20] = { ...c[20]!, payload: { n: 999 } };
    expect(await verifyChain(c)).toMatchObject({ ok: false, checked: 20, firstBroken: { seq: 21, reason: 'hash mismatch' } });
  });

  it('catches an edited actor, time or action', async () => {
    for (const field of ['actor', 'at', 'action', 'target'] as const) {
      const c = chain(5);
      c[2] = { ...c[2]!, [field]: 'forged' };
      expect(await verifyChain(c)).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'hash mismatch' } });
    }
  });

  it('catches an edited entry whose hash was recomputed: the next link breaks', async () => {
    const c = chain(10);
    c[4] = rehashed({ ...c[4]!, payload: { n: -1 } });
    expect(await verifyChain(c)).toMatchObject({ ok: false, checked: 5, firstBroken: { seq: 6, reason: 'broken link' } });
  });

  it('catches a deleted entry (gap in sequence)', async () => {
    const c = chain(10);
    c.splice(3, 1);
    expect(await verifyChain(c)).toMatchObject({ ok: false, checked: 3, firstBroken: { seq: 5, reason: 'gap in sequence' } });
  });

  it('catches a deleted first entry', async () => {
    const c = chain(3).slice(1);
    expect(await verifyChain(c)).toMatchObject({ ok: false, checked: 0, firstBroken: { seq: 2, reason: 'gap in sequence' } });
  });

  it('catches a deleted entry whose followers were renumbered and rehashed: the link breaks', async () => {
    const c = chain(6);
    c.splice(2, 1);
    for (let i = 2; i < c.length; i++) c[i] = rehashed({ ...c[i]!, seq: i + 1 });
    expect(await verifyChain(c)).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'broken link' } });
  });

  it('catches reordered entries', async () => {
    const c = chain(6);
    [c[2], c[3]] = [c[3]!, c[2]!];
    expect(await verifyChain(c)).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: 4, reason: 'gap in sequence' } });
    // Swapped contents under the original seq numbers: the hashes no longer match.
    const d = chain(6);
    const [x, y] = [d[2]!, d[3]!];
    d[2] = { ...y, seq: 3 };
    d[3] = { ...x, seq: 4 };
    expect(await verifyChain(d)).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
  });

  it('catches a duplicated (replayed) entry', async () => {
    const c = chain(4);
    c.splice(2, 0, c[1]!);
    expect(await verifyChain(c)).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'out of order' } });
  });

  it('catches an inserted entry', async () => {
    const c = chain(5);
    const forged = rehashed({ seq: 3, at: c[2]!.at, actor: 'user:mallory', action: 'incident.created', target: 'incident:x', payload: {}, prevHash: c[1]!.hash });
    const tampered = [c[0]!, c[1]!, forged, ...c.slice(2).map((e) => ({ ...e, seq: e.seq + 1 }))];
    expect(await verifyChain(tampered)).toMatchObject({ ok: false, firstBroken: { seq: 4 } });
  });

  it('catches a first entry that does not start from the genesis hash', async () => {
    const c = chain(2);
    c[0] = rehashed({ ...c[0]!, prevHash: 'f'.repeat(64) });
    expect(await verifyChain(c)).toMatchObject({ ok: false, firstBroken: { seq: 1, reason: 'broken link' } });
  });

  it('catches a truncated tail against the recorded head', async () => {
    const c = chain(10);
    const head = { seq: 10, hash: c[9]!.hash };
    expect(await verifyChain(c.slice(0, 8), { head })).toMatchObject({ ok: false, checked: 8, firstBroken: { seq: 9, reason: 'truncated' } });
    expect(await verifyChain([], { head })).toMatchObject({ ok: false, firstBroken: { seq: 1, reason: 'truncated' } });
  });

  it('catches a recorded head that does not match the chain', async () => {
    const c = chain(10);
    expect(await verifyChain(c, { head: { seq: 10, hash: 'a'.repeat(64) } })).toMatchObject({ ok: false, firstBroken: { seq: 10, reason: 'head mismatch' } });
    expect(await verifyChain(c, { head: { seq: 7, hash: c[6]!.hash } })).toMatchObject({ ok: false, firstBroken: { seq: 8, reason: 'head mismatch' } });
    expect(await verifyChain(c, { head: null })).toMatchObject({ ok: false, firstBroken: { reason: 'head mismatch' } });
  });

  it('catches a tail rewritten with its head, through an anchor noted elsewhere', async () => {
    const c = chain(10);
    const anchor = { seq: 8, hash: c[7]!.hash };
    // The forger drops entries 8–10, writes a new 8 and moves the recorded head.
    const forged = [...c.slice(0, 7)];
    forged.push(rehashed({ ...c[7]!, payload: { n: 'forged' } }));
    const head = { seq: 8, hash: forged[7]!.hash };
    expect(await verifyChain(forged, { head })).toMatchObject({ ok: true });
    expect(await verifyChain(forged, { head, anchors: [anchor] })).toMatchObject({ ok: false, firstBroken: { seq: 8, reason: 'head mismatch' } });
    expect(await verifyChain(c.slice(0, 5), { anchors: [anchor] })).toMatchObject({ ok: false, firstBroken: { seq: 8, reason: 'truncated' } });
    expect(await verifyChain(c, { anchors: [anchor] })).toMatchObject({ ok: true });
  });
});
