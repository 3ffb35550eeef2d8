import { createHash } from 'node:crypto';

/**
 * The ledger: an append-only, hash-chained log of every state change
 * ("who changed what, when"). Pure: no I/O, no store. The store keeps the rows;
 * this module says what an entry's hash is and whether a chain is intact.
 *
 * hash = SHA-256 (hex) of the canonical JSON of {seq, at, actor, action, target,
 * payload, prevHash} — object keys sorted at every depth, no whitespace — so it
 * is the same whatever order a database gives the JSON keys back in.
 * The first entry's prevHash is GENESIS_HASH (64 zeros).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface LedgerEntry {
  /** 1, 2, 3, … with no gaps. */
  seq: number;
  /** ISO 8601 UTC time of the append. */
  at: string;
  /** Who made the change: a username, or `system` / `cli:<os user>`. */
  actor: string;
  /** What happened, dotted: `user.created`, `incident.updated`, … */
  action: string;
  /** The record changed: `user:alice`, `incident:42`, … */
  target: string;
  payload: JsonValue;
  prevHash: string;
  hash: string;
}

/** What a caller gives to append: the rest (seq, at, hashes) is the ledger's. */
export interface LedgerEntryInput {
  actor: string;
  action: string;
  target: string;
  /** Plain JSON (objects, arrays, strings, finite numbers, booleans, null; Dates become ISO strings); anything else throws a TypeError. */
  payload: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth; refuses values JSON cannot carry faithfully. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`ledger payloads cannot hold ${value}`);
      // -0 and 0 serialise alike; JSON.stringify gives the shortest round-trip form.
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        if (value instanceof Date) return JSON.stringify(value.toISOString());
        throw new TypeError(`ledger payloads hold plain JSON only, not ${proto?.constructor?.name ?? 'this object'}`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`ledger payloads cannot hold a ${typeof value}`);
  }
}

/** The hash of an entry: every field but `hash` itself, prevHash included. */
export function entryHash(entry: Omit<LedgerEntry, 'hash'>): string {
  const { seq, at, actor, action, target, payload, prevHash } = entry;
  return createHash('sha256').update(canonicalJson({ seq, at, actor, action, target, payload, prevHash }), 'utf8').digest('hex');
}

/** The entry that follows `previous` (null for the first one). */
export function nextEntry(previous: Pick<LedgerEntry, 'seq' | 'hash'> | null, input: LedgerEntryInput, at: Date = new Date()): LedgerEntry {
  const body = {
    seq: previous ? previous.seq + 1 : 1,
    at: at.toISOString(),
    actor: input.actor,
    action: input.action,
    target: input.target,
    // Normalise through canonical JSON: what is hashed is exactly what is stored and read back.
    payload: JSON.parse(canonicalJson(input.payload)) as JsonValue,
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...body, hash: entryHash(body) };
}

export type BreakReason =
  | 'hash mismatch' // the entry's content no longer matches its hash (edited row)
  | 'broken link' // prevHash is not the previous entry's hash (row removed, inserted or replaced)
  | 'gap in sequence' // a seq is missing (deleted row), or the chain does not start at 1
  | 'out of order' // seq not increasing (entries fed in the wrong order / duplicated)
  | 'truncated' // the recorded head (or an anchor) is beyond the end of the chain: the tail was cut
  | 'head mismatch' // the recorded head or an anchor names a hash the chain does not have at that seq
  | 'beyond head' // rows after the recorded head: written past the ledger, not by it
  | 'wiped'; // the ledger is empty while the store holds records the ledger must have written

export interface ChainBreak {
  seq: number;
  reason: BreakReason;
  /** One sentence for people. */
  detail: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries that were read and found intact (up to the first break). */
  checked: number;
  /** The last intact entry. */
  head: ChainHead | null;
  firstBroken?: ChainBreak;
}

export interface VerifyOptions {
  /**
   * The head recorded beside the chain (the store updates it in the same transaction
   * as every append): the chain must end exactly there. Catches a cut tail.
   */
  head?: ChainHead | null;
  /**
   * Heads noted elsewhere earlier (printed by `foedus ledger verify`, kept off the
   * database): each must still be in the chain with the same hash. Catches an
   * attacker who rewrote the tail and the recorded head together.
   */
  anchors?: ChainHead[];
}

/**
 * Recomputes the chain in seq order and stops at the first broken entry.
 * Accepts any (async) iterable so a store can stream millions of rows.
 */
export async function verifyChain(
  entries: Iterable<LedgerEntry> | AsyncIterable<LedgerEntry>,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  let prev: ChainHead | null = null;
  let checked = 0;
  const anchors = new Map((options.anchors ?? []).map((a) => [a.seq, a.hash]));
  const broken = (b: ChainBreak): VerifyResult => ({ ok: false, checked, head: prev, firstBroken: b });

  for await (const e of entries as AsyncIterable<LedgerEntry>) {
    const expectedSeq: number = prev ? prev.seq + 1 : 1;
    if (e.seq !== expectedSeq) {
      if (prev && e.seq <= prev.seq) {
        return broken({ seq: e.seq, reason: 'out of order', detail: `entry ${e.seq} comes after entry ${prev.seq}` });
      }
      const missing = e.seq - 1 === expectedSeq ? `entry ${expectedSeq} is missing` : `entries ${expectedSeq}–${e.seq - 1} are missing`;
      return broken({ seq: e.seq, reason: 'gap in sequence', detail: `${missing} before entry ${e.seq}` });
    }
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    if (e.prevHash !== expectedPrev) {
      return broken({
        seq: e.seq,
        reason: 'broken link',
        detail: prev ? `entry ${e.seq} does not point to entry ${prev.seq}'s hash` : `entry 1 does not start from the genesis hash`,
      });
    }
    let actual: string;
    try {
      actual = entryHash(e);
    } catch (err) {
      return broken({ seq: e.seq, reason: 'hash mismatch', detail: `entry ${e.seq} cannot be hashed: ${(err as Error).message}` });
    }
    if (actual !== e.hash) {
      return broken({ seq: e.seq, reason: 'hash mismatch', detail: `entry ${e.seq} was changed after it was written (its content no longer matches its hash)` });
    }
    const anchored = anchors.get(e.seq);
    if (anchored !== undefined && anchored !== e.hash) {
      return broken({ seq: e.seq, reason: 'head mismatch', detail: `entry ${e.seq} differs from the anchor noted for it: the chain was rewritten from here or earlier` });
    }
    prev = { seq: e.seq, hash: e.hash };
    checked++;
  }

  const lastSeq = prev?.seq ?? 0;
  const beyond = [...anchors.keys()].filter((s) => s > lastSeq).sort((a, b) => a - b);
  if (beyond.length > 0) {
    return broken({ seq: beyond[0]!, reason: 'truncated', detail: `the chain ends at entry ${lastSeq} but entry ${beyond[0]} was anchored: the tail was removed` });
  }
  const head = options.head;
  if (head !== undefined) {
    const recorded = head ?? { seq: 0, hash: GENESIS_HASH };
    if (recorded.seq > lastSeq) {
      return broken({ seq: lastSeq + 1, reason: 'truncated', detail: `the recorded head is entry ${recorded.seq} but the chain ends at entry ${lastSeq}: the tail was removed` });
    }
    if (recorded.seq < lastSeq) {
      return broken({ seq: recorded.seq + 1, reason: 'head mismatch', detail: `the chain goes on to entry ${lastSeq} but the recorded head is entry ${recorded.seq}` });
    }
    if (recorded.hash !== (prev?.hash ?? GENESIS_HASH)) {
      return broken({ seq: lastSeq, reason: 'head mismatch', detail: `the recorded head's hash differs from entry ${lastSeq}'s hash` });
    }
  }
  return { ok: true, checked, head: prev };
}
