import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { entryHash, type ChainHead, type LedgerEntry } from './chain.ts';

/**
 * Signed checkpoints of the ledger: its head (entry count and last hash) signed with an Ed25519
 * key that lives outside the database. Whoever keeps a checkpoint (a party's liaison, an auditor)
 * can later ask that the ledger still holds that very entry at that place and that the chain runs
 * intact from it to today's head: then nothing before it changed, the log only grew.
 *
 * Why a hash chain with signed heads rather than a Merkle tree (RFC 6962/9162): in a chain, entry
 * N's hash commits to every entry before it, so "the log only grew from N" is checked by finding
 * entry N with the signed hash and walking the chain on from it. A Merkle tree gives proofs of
 * log size in log(N) hashes to someone who does not hold the log; here the proof is run by
 * whoever holds the store (Foedus, or an arbiter given a backup), and a checkpoint holder needs
 * only the checkpoint and the public key. The simpler structure is enough.
 *
 * The signed text follows the shape of a C2SP signed note's body: one fact per line.
 */

export const CHECKPOINT_FORMAT = 'foedus-ledger-checkpoint/1';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** Which ledger: the store's own id (store_meta), so a checkpoint of one deployment is not checked against another. */
  origin: string;
  /** Entries in the ledger when signed (the head's seq; 0 for an empty ledger). */
  size: number;
  /** The head entry's hash (64 zeros for an empty ledger). */
  hash: string;
  /** When it was signed (ISO 8601 UTC). */
  at: string;
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  keyId: string;
  /** The public key, PEM: the holder can check the signature without asking Foedus. */
  publicKey: string;
  /** Ed25519 signature of `signedText`, base64. */
  signature: string;
}

/** The exact text that is signed. */
export function signedText(c: Pick<Checkpoint, 'origin' | 'size' | 'hash' | 'at'>): string {
  return `${CHECKPOINT_FORMAT}\n${c.origin}\n${c.size}\n${c.hash}\n${c.at}\n`;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** A new Ed25519 key pair, PEM (PKCS#8 private, SPKI public). */
export function newKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The signing key from its PEM text; throws a readable Error when it is not an Ed25519 private key. */
export function signingKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('the checkpoint key is not a PEM private key (make one with "foedus ledger keygen --out FILE")');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the checkpoint key is ${key.asymmetricKeyType ?? 'not an asymmetric key'}, not Ed25519`);
  return key;
}

export function signCheckpoint(head: ChainHead | null, origin: string, at: Date, key: KeyObject): Checkpoint {
  const publicKey = createPublicKey(key);
  const body = { origin, size: head?.seq ?? 0, hash: head?.hash ?? '0'.repeat(64), at: at.toISOString() };
  return {
    format: CHECKPOINT_FORMAT,
    ...body,
    keyId: keyIdOf(publicKey),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signature: sign(null, Buffer.from(signedText(body), 'utf8'), key).toString('base64'),
  };
}

/**
 * Reads a checkpoint (parsed JSON) and checks its signature: with `trusted` (a public key PEM the
 * holder kept), the checkpoint must be signed by that key; otherwise by the key it carries.
 * Returns the checkpoint, or the reason it cannot be trusted.
 */
export function checkCheckpoint(value: unknown, trusted?: string): { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string } {
  const c = value as Partial<Checkpoint> | null;
  if (!c || typeof c !== 'object' || c.format !== CHECKPOINT_FORMAT) return { ok: false, reason: `not a Foedus ledger checkpoint (format "${CHECKPOINT_FORMAT}")` };
  if (typeof c.origin !== 'string' || !Number.isSafeInteger(c.size) || c.size! < 0 || typeof c.hash !== 'string' || !/^[0-9a-f]{64}$/.test(c.hash)
    || typeof c.at !== 'string' || typeof c.publicKey !== 'string' || typeof c.signature !== 'string') {
    return { ok: false, reason: 'the checkpoint lacks a field (origin, size, hash, at, publicKey, signature) or one is malformed' };
  }
  // The signed text is one field a line: a field holding a line break could make one text read two ways.
  if (/[\r\n]/.test(c.origin) || !ISO_INSTANT.test(c.at) || Number.isNaN(Date.parse(c.at))) {
    return { ok: false, reason: 'the checkpoint\'s origin holds a line break or its time is not an ISO 8601 UTC instant' };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(trusted ?? c.publicKey);
  } catch {
    return { ok: false, reason: trusted ? 'the trusted key given is not a PEM public key' : 'the checkpoint\'s public key is not a PEM public key' };
  }
  if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: 'the key is not an Ed25519 key' };
  const good = verify(null, Buffer.from(signedText(c as Checkpoint), 'utf8'), key, Buffer.from(c.signature, 'base64'));
  if (!good) return { ok: false, reason: trusted ? 'the signature is not that of the trusted key: the checkpoint was altered or signed by another key' : 'the signature does not match: the checkpoint was altered' };
  return { ok: true, checkpoint: c as Checkpoint };
}

/** Refusal to sign a head that does not extend the last one signed (the ledger was rewritten). */
export class NotAnExtension extends Error {
  constructor(readonly signed: ChainHead, detail: string) {
    super(`the ledger no longer extends the checkpoint already signed at entry ${signed.seq}: ${detail}; nothing was signed (run "foedus ledger verify")`);
    this.name = 'NotAnExtension';
  }
}

/**
 * Before signing a new head, the signer checks it extends the last one it signed, as a Certificate
 * Transparency log must never sign a tree inconsistent with an earlier one: otherwise an intruder
 * who rewrote the ledger would get the rewrite signed and handed to the parties as genuine.
 * `entries` are the ledger's from entry `signed.seq` on, in seq order, up to `head`; returns why
 * they do not extend `signed`, or null when they do. Linear in the entries since the last signing.
 */
export async function extensionBreak(signed: ChainHead, head: ChainHead | null, entries: Iterable<LedgerEntry> | AsyncIterable<LedgerEntry>): Promise<string | null> {
  if (signed.seq === 0) return null;
  if (!head || head.seq < signed.seq) return `the ledger ends at entry ${head?.seq ?? 0}, before entry ${signed.seq} already signed: its tail was removed`;
  let prev: ChainHead | null = null;
  for await (const e of entries as AsyncIterable<LedgerEntry>) {
    if (e.seq > head.seq) break;
    const expected: number = prev ? prev.seq + 1 : signed.seq;
    if (e.seq !== expected) return `entry ${expected} is missing`;
    if (prev && e.prevHash !== prev.hash) return `entry ${e.seq} does not point to entry ${prev.seq}'s hash`;
    let actual: string | null;
    try {
      actual = entryHash(e);
    } catch {
      actual = null;
    }
    if (actual !== e.hash) return `entry ${e.seq} no longer matches its hash`;
    if (!prev && e.hash !== signed.hash) return `entry ${signed.seq} is not the one already signed: the ledger was rewritten up to there`;
    prev = { seq: e.seq, hash: e.hash };
  }
  if (!prev) return `entry ${signed.seq}, already signed, is missing`;
  if (prev.seq !== head.seq || prev.hash !== head.hash) return `the chain from entry ${signed.seq} does not end at the recorded head (entry ${head.seq})`;
  return null;
}
