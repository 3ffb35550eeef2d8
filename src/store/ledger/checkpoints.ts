import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { checkCheckpoint, signCheckpoint, type Checkpoint } from '../../ledger/checkpoint.ts';
import type { VerifyResult } from '../../ledger/chain.ts';
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
  const origin = `foedus:${randomUUID()}`;
  await store.meta.set(ORIGIN_KEY, origin, new Date().toISOString());
  return (await store.meta.get(ORIGIN_KEY)) ?? origin;
}

export async function issuedCheckpoints(store: Store): Promise<Checkpoint[]> {
  const text = await store.meta.get(ISSUED_KEY);
  return text ? (JSON.parse(text) as Checkpoint[]) : [];
}

/** Signs the ledger's head as it is now and keeps the checkpoint among the issued ones (newest first). */
export async function issueCheckpoint(store: Store, key: KeyObject, now: Date): Promise<Checkpoint> {
  const c = signCheckpoint(await store.ledger.head(), await ledgerOrigin(store), now, key);
  const kept = [c, ...(await issuedCheckpoints(store))].slice(0, KEEP);
  await store.meta.set(ISSUED_KEY, JSON.stringify(kept), c.at);
  return c;
}

export type CheckpointCheck =
  | { ok: true; checkpoint: { size: number; hash: string; at: string; keyId: string }; ledger: VerifyResult }
  | { ok: false; reason: string; ledger?: VerifyResult };

/**
 * Does the ledger still hold what `value` (a kept checkpoint) signed? Its signature (by `trusted`
 * when given), its origin (this store), then the whole chain with the checkpoint's head as an
 * anchor: the entry at its size must have its hash, and the chain run intact on to today's head.
 */
export async function checkKeptCheckpoint(store: Store, value: unknown, trusted?: string): Promise<CheckpointCheck> {
  const signed = checkCheckpoint(value, trusted);
  if (!signed.ok) return { ok: false, reason: signed.reason };
  const c = signed.checkpoint;
  const origin = await ledgerOrigin(store);
  if (c.origin !== origin) return { ok: false, reason: `the checkpoint is of another ledger (${c.origin}; this one is ${origin})` };
  const ledger = await store.ledger.verify({ anchors: c.size > 0 ? [{ seq: c.size, hash: c.hash }] : [] });
  if (!ledger.ok) return { ok: false, reason: `the ledger no longer holds what the checkpoint of ${c.at} signed: ${ledger.firstBroken!.detail}`, ledger };
  return { ok: true, checkpoint: { size: c.size, hash: c.hash, at: c.at, keyId: c.keyId }, ledger };
}

