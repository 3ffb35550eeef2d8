import { sql, type Kysely } from 'kysely';
import type { LedgerEntryInput } from '../../ledger/chain.ts';
import { BIND_ACTION, BOUND_ACTION, compareRecords, replayLedger, type Binding, type RecordsResult, type ReplayEntry } from '../../ledger/records.ts';
import { ledgerRepository } from './ledger-repository.ts';
import type { RepositoryContext } from '../store.ts';
import { storedRecords } from './record-content.ts';

/**
 * The records check of `ledger verify`, run after the chain check: every incident, user and
 * case stored is what the last ledger entry that wrote it says (src/ledger/records.ts). The
 * ledger and the tables are read in one snapshot (a read transaction; PostgreSQL: repeatable
 * read), so a write committed meanwhile by the running server is seen on both sides or neither.
 */

type Db = Kysely<any>;

/** The bindings stored under each of these seqs (bulk entries: an import batch's incidents). */
async function bindingsOf(db: Db, seqs: number[]): Promise<Map<number, Binding[]>> {
  const by = new Map<number, Binding[]>(seqs.map((s) => [s, []]));
  if (seqs.length === 0) return by;
  const rows = (await sql<{ seq: number | string; target: string; content_hash: string }>`
    select seq, target, content_hash from ledger_binding where seq in (${sql.join(seqs)}) order by seq, target`.execute(db)).rows;
  for (const r of rows) by.get(Number(r.seq))!.push({ target: r.target, hash: r.content_hash });
  return by;
}

/**
 * The entries up to `upTo`, in seq order, read in pages: only what the replay needs (the chain check
 * verified the hashes), a bulk entry with its bindings.
 */
async function* entries(db: Db, upTo: number, pageSize = 2000): AsyncGenerator<ReplayEntry> {
  let after = 0;
  while (after < upTo) {
    const rows = (await sql<{ seq: number | string; action: string; target: string; payload: string }>`
      select seq, action, target, payload from ledger_entry where seq > ${after} and seq <= ${upTo} order by seq limit ${pageSize}`.execute(db)).rows;
    const page: ReplayEntry[] = rows.map((r) => {
      let payload: ReplayEntry['payload'];
      try {
        payload = JSON.parse(r.payload) as ReplayEntry['payload'];
      } catch {
        payload = null;
      }
      return { seq: Number(r.seq), at: '', actor: '', action: r.action, target: r.target, payload, prevHash: '', hash: '' };
    });
    const bulk = page.filter((e) => e.payload !== null && typeof e.payload === 'object' && !Array.isArray(e.payload) && 'bound' in e.payload);
    const bindings = await bindingsOf(db, bulk.map((e) => e.seq));
    for (const e of page) yield bindings.has(e.seq) ? { ...e, bindings: bindings.get(e.seq)! } : e;
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)!.seq);
  }
}

async function check(db: Db, ctx: RepositoryContext, limit: number): Promise<RecordsResult> {
  const head = await db.selectFrom('ledger_head').select('seq').where('id', '=', 1).executeTakeFirst();
  const ledger = await replayLedger(entries(db, head ? Number(head.seq) : 0));
  return compareRecords(ledger, storedRecords(db, ctx.database.dialect), limit);
}

/** Compares every stored record with the ledger; names up to `limit` problems (their total is counted). */
export async function verifyRecords(ctx: RepositoryContext, limit = 100): Promise<RecordsResult> {
  if (ctx.inTransaction) return check(ctx.db, ctx, limit);
  const tx = ctx.database.dialect === 'postgres' ? ctx.db.transaction().setIsolationLevel('repeatable read') : ctx.db.transaction();
  return tx.execute((trx) => check(trx, ctx, limit));
}

export interface BindResult {
  /** Records that got a `record.bound` entry. */
  bound: number;
  /** False when there was nothing to bind (every record already has a hashed entry, or none is stored). */
  wrote: boolean;
}

/**
 * `foedus ledger bind`: for a store written before entries carried content hashes, one `record.bound`
 * entry per record the ledger has no hash for (its hash as it is now: whoever runs this vouches for
 * the rows at this moment), then one `records.bound` entry; from then on a record without an entry is
 * named as unrecorded. Does nothing on a store whose ledger has no such older writes: there a record
 * without an entry was inserted around the ledger, and binding it would hide that. Inside a transaction.
 */
export async function bindRecords(ctx: RepositoryContext, actor: string): Promise<BindResult> {
  if (!ctx.inTransaction) throw new Error('bindRecords must run inside store.transaction()');
  const ledger = ledgerRepository(ctx);
  const head = await ledger.head();
  const replay = await replayLedger(entries(ctx.db, head?.seq ?? 0));
  if (!replay.legacy) return { bound: 0, wrote: false };
  const pending: LedgerEntryInput[] = [];
  let bound = 0;
  const counts = { incident: 0, user: 0, case: 0 };
  for await (const r of storedRecords(ctx.db, ctx.database.dialect)) {
    if (replay.last.get(`${r.kind}:${r.id}`)?.hash) continue;
    pending.push({ actor, action: BIND_ACTION, target: `${r.kind}:${r.id}`, payload: { contentHash: r.hash } });
    counts[r.kind]++;
    bound++;
    if (pending.length >= 5000) await ledger.appendMany(pending.splice(0));
  }
  await ledger.appendMany(pending);
  await ledger.append({ actor, action: BOUND_ACTION, target: 'ledger:records', payload: { bound: counts } });
  return { bound, wrote: true };
}
