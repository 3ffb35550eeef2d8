import { sql } from 'kysely';
import { canonicalJson, nextEntry, verifyChain, type ChainHead, type JsonValue, type LedgerEntry, type LedgerEntryInput, type VerifyOptions, type VerifyResult } from '../../ledger/chain.ts';
import { bindingDigest, type Binding, type RecordsResult } from '../../ledger/records.ts';
import type { RepositoryContext } from '../store.ts';
import { bindRecords, verifyRecords, type BindResult } from './records.ts';

/**
 * The ledger's rows. Append-only: there is no update or delete here, on purpose.
 *
 * `append` must run inside the caller's transaction, beside the change it records:
 *   await store.transaction(async (tx) => { …change…; await tx.ledger.append({…}); });
 * Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock (held
 * until the caller's transaction commits or rolls back), on SQLite by its single
 * writer. seq is the primary key, so even a missed lock could not fork the chain.
 */
export interface LedgerRepository {
  append(input: LedgerEntryInput): Promise<LedgerEntry>;
  /** Appends several entries at once, in order; same rules as append. */
  appendMany(inputs: readonly LedgerEntryInput[]): Promise<LedgerEntry[]>;
  /**
   * Appends one entry that binds many records (an import batch's incidents): its payload gains
   * `bound: {count, digest}` and the (target, content hash) pairs go to ledger_binding under its seq.
   */
  appendBound(input: LedgerEntryInput, bindings: readonly Binding[]): Promise<LedgerEntry>;
  /**
   * Takes the lock appends take (PostgreSQL; held to the commit) before a writer reads the content hash
   * it will ledger: the hash then includes every write ledgered before it (a case note and a step
   * committed side by side would otherwise each hash the case without the other).
   */
  lock(): Promise<void>;
  /** Entries in seq order, optionally of one target, after a seq (keyset paging). */
  list(query: { target?: string; after?: number; limit: number }): Promise<LedgerEntry[]>;
  /** Every entry in seq order, read in pages (for verification of large ledgers). */
  iterate(pageSize?: number): AsyncIterable<LedgerEntry>;
  /** The head recorded beside the chain (last seq and hash), null when empty. */
  head(): Promise<ChainHead | null>;
  /** Recomputes the whole chain against the recorded head (plus any anchors noted elsewhere). */
  verify(options?: Pick<VerifyOptions, 'anchors'>): Promise<VerifyResult>;
  /** The records check, run after the chain's: every stored incident, user and case is what the ledger last wrote (records.ts). */
  verifyRecords(limit?: number): Promise<RecordsResult>;
  /** `foedus ledger bind`: vouch for the records an older store wrote without content hashes (records.ts). In a transaction. */
  bindRecords(actor: string): Promise<BindResult>;
}

/** Key of the PostgreSQL advisory lock that serialises appends (arbitrary, fixed). */
const LEDGER_LOCK_KEY = 727371;

interface Row {
  seq: number | string;
  at: string;
  actor: string;
  action: string;
  target: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

function toEntry(r: Row): LedgerEntry {
  let payload: JsonValue;
  try {
    payload = JSON.parse(r.payload) as JsonValue;
  } catch {
    // A payload edited into invalid JSON still verifies as broken (hash mismatch), never crashes.
    payload = r.payload;
  }
  return { seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, target: r.target, payload, prevHash: r.prev_hash, hash: r.hash };
}

const COLUMNS = ['seq', 'at', 'actor', 'action', 'target', 'payload', 'prev_hash', 'hash'] as const;

/** The appenders' lock (PostgreSQL advisory, to the commit; re-entrant). SQLite's write transactions are serial already. */
export async function lockLedger(ctx: RepositoryContext): Promise<void> {
  if (!ctx.inTransaction) throw new Error('the ledger lock is taken inside store.transaction(), beside the change it records');
  if (ctx.database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`.execute(ctx.db);
}

export function ledgerRepository(ctx: RepositoryContext): LedgerRepository {
  const { db } = ctx;

  const recordedHead = async (): Promise<ChainHead | null> => {
    const row = await db.selectFrom('ledger_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: String(row.hash) } : null;
  };

  return {
    async append(input) {
      return (await appendAll([input]))[0]!;
    },

    appendMany: (inputs) => appendAll(inputs),

    async appendBound(input, bindings) {
      const sorted = [...bindings].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
      const payload = { ...(input.payload as Record<string, unknown>), bound: { count: sorted.length, digest: bindingDigest(sorted) } };
      const entry = (await appendAll([{ ...input, payload }]))[0]!;
      for (let i = 0; i < sorted.length; i += 1000) {
        await db.insertInto('ledger_binding').values(sorted.slice(i, i + 1000).map((b) => ({ seq: entry.seq, target: b.target, content_hash: b.hash }))).execute();
      }
      return entry;
    },

    lock: () => lockLedger(ctx),

    async list({ target, after, limit }) {
      let q = db.selectFrom('ledger_entry').select(COLUMNS);
      if (target !== undefined) q = q.where('target', '=', target);
      if (after !== undefined) q = q.where('seq', '>', after);
      const rows = (await q.orderBy('seq', 'asc').limit(limit).execute()) as Row[];
      return rows.map(toEntry);
    },

    iterate: (pageSize = 1000) => pages(pageSize),

    head: recordedHead,

    verifyRecords: (limit) => verifyRecords(ctx, limit),
    bindRecords: (actor) => bindRecords(ctx, actor),

    async verify(options = {}) {
      // Verify up to the head read first: entries appended while we read (by the running
      // server) are beyond it and are left for the next run, not reported as a mismatch.
      const head = await recordedHead();
      // No recorded head while entries exist (its row deleted) is itself reported: head null
      // means "the chain must be empty".
      const result = await verifyChain(pages(1000, head?.seq), { head, anchors: options.anchors ?? [] });
      if (!result.ok) return result;
      // Rows past the head: an append moves the head in its own transaction, so the head read
      // *after* the last row can never be behind it, unless the rows were written around the ledger.
      const last = await db.selectFrom('ledger_entry').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const headNow = await recordedHead();
      if (last && Number(last.seq) > (headNow?.seq ?? 0)) {
        return { ...result, ok: false, firstBroken: { seq: (headNow?.seq ?? 0) + 1, reason: 'beyond head', detail: `entries after the recorded head (entry ${headNow?.seq ?? 0}) up to entry ${Number(last.seq)} were written around the ledger` } };
      }
      // An empty ledger beside accounts, incidents or cases: every one of those was written with a ledger entry.
      if (result.checked === 0 && !head) {
        const held = await sql<{ n: number }>`select (select count(*) from app_user) + (select count(*) from incidents) + (select count(*) from response_case) as n`.execute(db);
        const n = Number(held.rows[0]?.n ?? 0);
        if (n > 0) return { ...result, ok: false, firstBroken: { seq: 1, reason: 'wiped', detail: `the ledger is empty but the store holds ${n} account(s), incident(s) or case(s), each written with a ledger entry: the ledger was wiped` } };
      }
      return result;
    },
  };

  /** Chains `inputs` after the last entry, inserts them (500 rows per statement) and moves the head once. */
  async function appendAll(inputs: readonly LedgerEntryInput[]): Promise<LedgerEntry[]> {
    if (!ctx.inTransaction) {
      throw new Error('ledger.append must run inside store.transaction(), beside the change it records');
    }
    if (inputs.length === 0) return [];
    await lockLedger(ctx);
    // The last entry itself (not the recorded head) is what the new ones chain to.
    const last = await db.selectFrom('ledger_entry').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    let prev: ChainHead | null = last ? { seq: Number(last.seq), hash: String(last.hash) } : null;
    const at = new Date();
    const out: LedgerEntry[] = [];
    for (const input of inputs) {
      const entry = nextEntry(prev, input, at);
      out.push(entry);
      prev = entry;
    }
    for (let i = 0; i < out.length; i += 500) {
      await db
        .insertInto('ledger_entry')
        .values(out.slice(i, i + 500).map((entry) => ({
          seq: entry.seq,
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          payload: canonicalJson(entry.payload),
          prev_hash: entry.prevHash,
          hash: entry.hash,
        })))
        .execute();
    }
    const end = out.at(-1)!;
    const updated = await db.updateTable('ledger_head').set({ seq: end.seq, hash: end.hash }).where('id', '=', 1).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await db.insertInto('ledger_head').values({ id: 1, seq: end.seq, hash: end.hash }).execute();
    }
    return out;
  }

  async function* pages(pageSize: number, upTo?: number): AsyncIterable<LedgerEntry> {
    let after = 0;
    for (;;) {
      let q = db.selectFrom('ledger_entry').select(COLUMNS).where('seq', '>', after);
      if (upTo !== undefined) q = q.where('seq', '<=', upTo);
      const rows = (await q.orderBy('seq', 'asc').limit(pageSize).execute()) as Row[];
      for (const r of rows) yield toEntry(r);
      if (rows.length < pageSize) return;
      after = Number(rows.at(-1)!.seq);
    }
  }
}
