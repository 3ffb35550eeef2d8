import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import type { ChainHead, VerifyResult } from '../../ledger/chain.ts';
import { newKeyPair, NotAnExtension } from '../../ledger/checkpoint.ts';
import { checkpointKeyFromEnv, KEY_FILE_ENV } from '../../ledger/checkpoint-key.ts';
import { checkKeptCheckpoint, issueCheckpoint } from '../../store/ledger/checkpoints.ts';
import { CliExit } from '../exit.ts';
import { withStore } from '../store.ts';

/** What `foedus ledger verify` does (declared, with its options, in ../commands/ledger.ts). */

export interface VerifyOptions { db?: string; json?: boolean; anchor?: ChainHead[]; since?: string; key?: string }
export interface CheckpointOptions { db?: string; out?: string }

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readText(file, what)) as unknown;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what}: ${file} is not JSON (${(err as Error).message})`);
  }
}

export async function verify(opts: VerifyOptions): Promise<void> {
  const kept = opts.since ? readJson(opts.since, '--since') : undefined;
  const trusted = opts.key ? readText(opts.key, '--key') : undefined;
  if (opts.key && !opts.since) throw new InputError('--key goes with --since: the checkpoint it must have signed');
  const { result, description, since } = await withStore(opts.db, async (store) => {
    if (kept === undefined) return { result: await store.ledger.verify({ anchors: opts.anchor ?? [] }), description: store.description, since: null };
    const check = await checkKeptCheckpoint(store, kept, trusted);
    // A checkpoint that cannot be trusted is bad input (exit 2); one the ledger no longer holds is a broken ledger (exit 1).
    if (!check.ok && !check.ledger) throw new InputError(`--since ${opts.since}: ${check.reason}`);
    const ledger: VerifyResult = check.ledger!;
    const anchored = opts.anchor?.length ? await store.ledger.verify({ anchors: opts.anchor }) : ledger;
    return { result: anchored.ok ? ledger : anchored, description: store.description, since: check };
  });
  if (since && !opts.json) {
    process.stdout.write(since.ok
      ? `The ledger still holds the checkpoint of ${since.checkpoint.at} (entry ${since.checkpoint.size}, key ${since.checkpoint.keyId}) and only grew since.\n`
      : `Checkpoint NOT held: ${since.reason}.\n`);
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(since ? { ...result, since: since.ok ? { ok: true, checkpoint: since.checkpoint } : { ok: false, reason: since.reason } } : result)}\n`);
  } else if (result.ok) {
    const n = result.checked.toLocaleString('en');
    process.stdout.write(`Ledger intact: ${n} ${result.checked === 1 ? 'entry' : 'entries'} checked in ${description}.\n`);
    if (result.head) {
      process.stdout.write(`Head: entry ${result.head.seq}, hash ${result.head.hash}\n`);
      process.stdout.write(`Note it elsewhere and pass --anchor ${result.head.seq}:${result.head.hash} to a later run to detect a rewritten tail.\n`);
    }
  } else {
    const b = result.firstBroken!;
    process.stdout.write(`Ledger BROKEN at entry ${b.seq} (${b.reason}): ${b.detail}.\n`);
    const n = result.checked;
    process.stdout.write(n === 0 ? 'No entry before it could be trusted.\n' : `The ${n.toLocaleString('en')} ${n === 1 ? 'entry' : 'entries'} before it (up to entry ${result.head!.seq}) are intact.\n`);
  }
  if (!result.ok || (since && !since.ok)) process.exitCode = 1;
}

/** `foedus ledger checkpoint`: sign the head now (kept among the issued ones) and print it. */
export async function checkpoint(opts: CheckpointOptions): Promise<void> {
  const key = checkpointKeyFromEnv();
  if (!key) throw new InputError(`no checkpoint key: set ${KEY_FILE_ENV} to a key made by "foedus ledger keygen --out FILE"`);
  const c = await withStore(opts.db, async (store) => {
    try {
      return await issueCheckpoint(store, key, new Date());
    } catch (err) {
      // The ledger was rewritten since the last checkpoint: a broken ledger (exit 1), and nothing signed.
      if (err instanceof NotAnExtension) throw new CliExit(1, err.message);
      throw err;
    }
  });
  const text = `${JSON.stringify(c, null, 2)}\n`;
  if (opts.out) {
    writeFileSync(opts.out, text);
    process.stderr.write(`Checkpoint of entry ${c.size} written to ${opts.out}; keep it, and check it later with: foedus ledger verify --since ${opts.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

/** `foedus ledger keygen --out FILE`: a new Ed25519 pair, the private key readable by its owner only. */
export async function keygen(opts: { out: string }): Promise<void> {
  if (existsSync(opts.out)) throw new CliExit(2, `${opts.out} exists: a key is never overwritten (checkpoints signed with it could no longer be told from forgeries); choose another path`);
  const pair = newKeyPair();
  writeFileSync(opts.out, pair.privateKey, { mode: 0o600 });
  writeFileSync(`${opts.out}.pub`, pair.publicKey);
  process.stdout.write(`Wrote ${opts.out} (private, mode 600) and ${opts.out}.pub. Start the server with ${KEY_FILE_ENV}=${opts.out}; give ${opts.out}.pub to whoever keeps checkpoints.\n`);
}
