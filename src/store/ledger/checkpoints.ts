import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { checkCheckpoint, extensionBreak, NotAnExtension, signCheckpoint, type Checkpoint } from '../../ledger/checkpoint.ts';
import type { LedgerEntry, VerifyResult } from '../../ledger/chain.ts';
import type { Store } from '../store.ts';

/**
 * Signed checkpoints of this store's ledger (src/ledger/checkpoint.ts says what they prove): the
 * store's origin id and the checkpoints issued (the last 100: public data, a count and a hash) in
 * store_meta, and the check of a kept checkpoint against the ledger as it is now. Used by the
 * server (on demand and at intervals) and by `foedus ledger checkpoint` / `verify --since`.
 */

const ORIGIN_KEY = 'store.origin';
const ISSUED_KEY = 'ledger.checkpoints';
const KEEP = 100;

/** This store's ledger id, made once (a checkpoint names it, so it is not checked against another deployment). */
export async function ledgerOrigin(store: Store): Promise<string> {
  const known = await store.meta.get(ORIGIN_KEY);
  if (known) return known;
  // Two server processes starting on a fresh store: the first origin written is the one kept.
  return store.meta.add(ORIGIN_KEY, `foedus:${randomUUID()}`, new Date().toISOString());
}

export async function issuedCheckpoints(store: Store): Promise<Checkpoint[]> {
  const text = await store.meta.get(ISSUED_KEY);
  return text ? (JSON.parse(text) as Checkpoint[]) : [];
}

/**
 * Signs the ledger's head as it is now and keeps the checkpoint among the issued ones (newest
 * first). Throws NotAnExtension, signing nothing, when the ledger no longer runs on from the last
 * checkpoint issued (or its id changed since): a rewritten history is never signed.
 *
 * One process at a time (a transaction lock): two signing at once would each rewrite the list
 * without the other's, and each check the extension from a last checkpoint the other replaces.
 */
export async function issueCheckpoint(store: Store, key: KeyObject, now: Date): Promise<Checkpoint> {
  return store.transaction(async (tx) => {
    await tx.lock(ISSUED_KEY);
    const issued = await issuedCheckpoints(tx);
    const head = await tx.ledger.head();
    const last = issued[0];
    if (last) {
      const signed = { seq: last.size, hash: last.hash };
      const id = await tx.meta.get(ORIGIN_KEY);
      if (last.origin !== id) throw new NotAnExtension(signed, `this store's ledger id changed from ${last.origin} to ${id ?? 'none (removed)'}`);
      const why = await extensionBreak(signed, head, entriesFrom(tx, last.size, head?.seq ?? 0));
      if (why) throw new NotAnExtension(signed, why);
    }
    const c = signCheckpoint(head, await ledgerOrigin(tx), now, key);
    const kept = [c, ...issued].slice(0, KEEP);
    await tx.meta.set(ISSUED_KEY, JSON.stringify(kept), c.at);
    return c;
  });
}

/** The entries from `from` to `to`, in seq order, read in pages. */
async function* entriesFrom(store: Store, from: number, to: number): AsyncIterable<LedgerEntry> {
  let after = from - 1;
  while (after < to) {
    const page = await store.ledger.list({ after, limit: Math.min(1000, to - after) });
    yield* page;
    if (page.length === 0) return;
    after = page.at(-1)!.seq;
  }
}

export type CheckpointCheck =
  | { ok: true; checkpoint: { size: number; hash: string; at: string; keyId: string }; ledger: VerifyResult }
  /** `ledger` is absent when the checkpoint itself cannot be trusted (bad signature, malformed): nothing of the ledger was checked. */
  | { ok: false; reason: string; ledger?: VerifyResult };

/**
 * Does the ledger still hold what `value` (a kept checkpoint) signed? Its signature (by `trusted`
 * when given), then the whole chain with the checkpoint's head as an anchor: the entry at its size
 * must have its hash, and the chain run intact on to today's head; and the store must still call
 * its ledger by the checkpoint's origin. Reads only: a check never writes the store.
 */
export async function checkKeptCheckpoint(store: Store, value: unknown, trusted?: string): Promise<CheckpointCheck> {
  const signed = checkCheckpoint(value, trusted);
  if (!signed.ok) return { ok: false, reason: signed.reason };
  const c = signed.checkpoint;
  const ledger = await store.ledger.verify({ anchors: c.size > 0 ? [{ seq: c.size, hash: c.hash }] : [] });
  const broken = ledger.ok ? null : `the ledger no longer holds what the checkpoint of ${c.at} signed: ${ledger.firstBroken!.detail}`;
  // The origin is in the store too, where an intruder may have changed it: the chain is checked
  // whatever it says, and a different id is a failure that names both things it can mean.
  const origin = await store.meta.get(ORIGIN_KEY);
  if (c.origin !== origin) {
    const other = `the checkpoint is of another ledger (${c.origin}; this store's is ${origin ?? 'gone: its id was removed'}): another deployment's store, or its id was changed`;
    return { ok: false, reason: broken ? `${other}; and ${broken}` : c.size > 0 ? `${other}, though it holds the signed entry ${c.size}` : other, ledger };
  }
  if (broken) return { ok: false, reason: broken, ledger };
  return { ok: true, checkpoint: { size: c.size, hash: c.hash, at: c.at, keyId: c.keyId }, ledger };
}
