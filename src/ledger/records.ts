import { createHash } from 'node:crypto';
import { canonicalJson, type LedgerEntry } from './chain.ts';

/**
 * Records bound to the ledger. The chain (chain.ts) proves the ledger was not rewritten; this
 * proves the tables still hold what the ledger says was written. Every entry that writes an
 * incident, a user or a case carries `contentHash`: the record's content hash just after the
 * write. Verification replays the ledger (the last hash per record) and compares it with each
 * stored record's hash now. Pure: the store says what a record's content is
 * (src/store/ledger/record-content.ts) and reads the rows.
 *
 * What is named:
 * - `changed`: the record's content is not what the last entry that wrote it says;
 * - `unrecorded`: a record no entry wrote (inserted around the ledger);
 * - `deleted`: the ledger wrote the record and it is gone (nothing removes these records);
 * - `inconsistent`: a column the store keeps beside the record for its queries (a fatality
 *   count, a case's state) disagrees with the record (the store says which).
 *
 * An import batch binds its incidents in bulk: its one entry carries `bound: {count, digest}` and the
 * (target, content hash) pairs are kept beside the ledger (the store's ledger_binding rows); the replay
 * checks the pairs against the digest before trusting them (`bindings` names an entry whose pairs were
 * changed, added or removed).
 *
 * Records written before the ledger carried content hashes (older stores) cannot be checked:
 * they are counted as `unbound` until `foedus ledger bind` writes one `record.bound` entry per
 * record with its hash as it is then (a person vouches for the rows at that moment).
 */

export const RECORD_KINDS = ['incident', 'user', 'case'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** A binding entry's action: one record vouched for as it stands (`foedus ledger bind`). */
export const BIND_ACTION = 'record.bound';
/** The entry closing a bind: every record written before it has a hash from then on. */
export const BOUND_ACTION = 'records.bound';
/** An import batch's summary entry; older ones wrote their incidents with no entry of their own. */
const IMPORT_BATCH_ACTION = 'incidents.import';

/** SHA-256 (hex) of a record's canonical JSON: key order, whitespace and the database's JSON type do not matter. */
export function recordHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/** `incident:ucdp_ged:123` → kind and id; null for targets that are not such records (webhooks, imports). */
export function recordOf(target: string): { kind: RecordKind; id: string } | null {
  const colon = target.indexOf(':');
  if (colon <= 0) return null;
  const kind = target.slice(0, colon);
  return (RECORD_KINDS as readonly string[]).includes(kind) ? { kind: kind as RecordKind, id: target.slice(colon + 1) } : null;
}

/** One record an entry binds in bulk, with its content hash just after the write. */
export interface Binding {
  target: string;
  hash: string;
}

/** What a bulk entry's `bound.digest` is: SHA-256 (hex) over `target<TAB>hash<LF>` lines, sorted by target. */
export function bindingDigest(bindings: readonly Binding[]): string {
  const h = createHash('sha256');
  for (const b of [...bindings].sort((a, c) => (a.target < c.target ? -1 : a.target > c.target ? 1 : 0))) h.update(`${b.target}\t${b.hash}\n`, 'utf8');
  return h.digest('hex');
}

/** A ledger entry as the replay reads it: a bulk entry comes with the bindings stored under its seq. */
export type ReplayEntry = LedgerEntry & { bindings?: Binding[] };

export interface LastWrite {
  seq: number;
  /** null: written by an entry from before content hashes (it cannot be checked). */
  hash: string | null;
}

/** What the ledger says each record should be, replayed from its entries. */
export interface LedgerRecords {
  /** `kind:id` → the last entry that wrote the record. */
  last: Map<string, LastWrite>;
  /**
   * The ledger holds writes that named no content hash and no bind came after them: records
   * without an entry may be such old ones, so they are counted as unbound, not as unrecorded.
   */
  legacy: boolean;
  /** Bulk entries whose stored bindings do not match their digest (their records are not trusted either). */
  broken: Array<{ seq: number; detail: string }>;
}

function boundOf(p: Record<string, unknown>): { count: number; digest: string } | null {
  const b = p.bound as { count?: unknown; digest?: unknown } | undefined;
  return b && typeof b === 'object' && typeof b.count === 'number' && typeof b.digest === 'string' ? { count: b.count, digest: b.digest } : null;
}

/** Entries in seq order (already verified as a chain). */
export async function replayLedger(entries: Iterable<ReplayEntry> | AsyncIterable<ReplayEntry>): Promise<LedgerRecords> {
  const last = new Map<string, LastWrite>();
  const broken: LedgerRecords['broken'] = [];
  let legacy = false;
  for await (const e of entries as AsyncIterable<ReplayEntry>) {
    if (e.action === BOUND_ACTION) {
      legacy = false;
      continue;
    }
    const p = e.payload !== null && typeof e.payload === 'object' && !Array.isArray(e.payload) ? e.payload : {};
    const bound = boundOf(p);
    if (bound) {
      const bindings = e.bindings ?? [];
      if (bindings.length !== bound.count || bindingDigest(bindings) !== bound.digest) {
        broken.push({ seq: e.seq, detail: `the ${bound.count.toLocaleString('en')} content hashes ledger entry ${e.seq} binds are not as it wrote them (${bindings.length.toLocaleString('en')} stored): they were changed around the ledger` });
      }
      for (const b of bindings) if (recordOf(b.target)) last.set(b.target, { seq: e.seq, hash: b.hash });
      continue;
    }
    if (e.action === IMPORT_BATCH_ACTION) {
      // A batch written before batches bound their incidents: they have no hash in the ledger.
      legacy = true;
      continue;
    }
    const r = recordOf(e.target);
    if (!r || !e.action.startsWith(`${r.kind}.`) && e.action !== BIND_ACTION) continue;
    const hash = typeof p.contentHash === 'string' ? p.contentHash : null;
    if (hash === null) legacy = true;
    last.set(`${r.kind}:${r.id}`, { seq: e.seq, hash });
  }
  return { last, legacy, broken };
}

/** A stored record as verification reads it. */
export interface StoredRecord {
  kind: RecordKind;
  id: string;
  hash: string;
  /** Set when the store's own columns disagree with the record: which, and how. */
  inconsistent?: string;
}

export type RecordProblem = 'changed' | 'unrecorded' | 'deleted' | 'inconsistent' | 'bindings';

export interface RecordFinding {
  /** `entry`: a bulk ledger entry whose bindings were changed (id is its seq). */
  kind: RecordKind | 'entry';
  id: string;
  problem: RecordProblem;
  /** The last entry that wrote it, when there is one. */
  seq?: number;
  /** One sentence for people. */
  detail: string;
}

export interface RecordsResult {
  ok: boolean;
  /** Records compared with their last entry. */
  checked: number;
  /** Per kind: how many records are stored. */
  counts: Record<RecordKind, number>;
  /** Records that no entry with a content hash wrote, in a store with older writes and no bind after them. */
  unbound: number;
  /** The first `limit` problems, in kind then id order. */
  findings: RecordFinding[];
  /** How many problems in all. */
  problems: number;
}

const label = (kind: RecordKind, id: string) => `${kind} ${id}`;

/** Compares every stored record (each kind's rows, one pass) with what the ledger says. */
export async function compareRecords(
  ledger: LedgerRecords,
  stored: Iterable<StoredRecord> | AsyncIterable<StoredRecord>,
  limit = 100,
): Promise<RecordsResult> {
  const findings: RecordFinding[] = [];
  let problems = 0;
  let checked = 0;
  let unbound = 0;
  const counts: Record<RecordKind, number> = { incident: 0, user: 0, case: 0 };
  const seen = new Set<string>();
  const find = (f: RecordFinding) => {
    problems++;
    if (findings.length < limit) findings.push(f);
  };

  for (const b of ledger.broken) find({ kind: 'entry', id: String(b.seq), problem: 'bindings', seq: b.seq, detail: b.detail });
  for await (const r of stored as AsyncIterable<StoredRecord>) {
    counts[r.kind]++;
    const key = `${r.kind}:${r.id}`;
    seen.add(key);
    const w = ledger.last.get(key);
    if (!w || w.hash === null) {
      if (ledger.legacy) unbound++;
      else find({ kind: r.kind, id: r.id, problem: 'unrecorded', detail: `${label(r.kind, r.id)} is stored but no ledger entry wrote it` });
      continue;
    }
    checked++;
    if (w.hash !== r.hash) {
      find({ kind: r.kind, id: r.id, problem: 'changed', seq: w.seq, detail: `${label(r.kind, r.id)} is not what ledger entry ${w.seq} wrote: it was changed around the ledger` });
    } else if (r.inconsistent) {
      find({ kind: r.kind, id: r.id, problem: 'inconsistent', seq: w.seq, detail: `${label(r.kind, r.id)}: ${r.inconsistent}` });
    }
  }
  for (const [key, w] of ledger.last) {
    if (seen.has(key)) continue;
    const r = recordOf(key)!;
    find({ kind: r.kind, id: r.id, problem: 'deleted', seq: w.seq, detail: `${label(r.kind, r.id)} was written by ledger entry ${w.seq} and is no longer stored: it was deleted around the ledger` });
  }
  return { ok: problems === 0, checked, counts, unbound, findings, problems };
}
