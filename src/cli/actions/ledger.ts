import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import type { ChainHead, VerifyResult } from '../../ledger/chain.ts';
import type { RecordsResult } from '../../ledger/records.ts';
import { newKeyPair, NotAnExtension } from '../../ledger/checkpoint.ts';
import { checkpointKeyFromEnv, KEY_FILE_ENV } from '../../ledger/checkpoint-key.ts';
import { checkKeptCheckpoint, issueCheckpoint } from '../../store/ledger/checkpoints.ts';
import { CliExit } from '../exit.ts';
import { cliActor, withStore } from '../store.ts';

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
  const { result, description, since, records } = await withStore(opts.db, async (store) => {
    const chain = async () => {
      if (kept === undefined) return { result: await store.ledger.verify({ anchors: opts.anchor ?? [] }), description: store.description, since: null };
      const check = await checkKeptCheckpoint(store, kept, trusted);
      // A checkpoint that cannot be trusted is bad input (exit 2); one the ledger no longer holds is a broken ledger (exit 1).
      if (!check.ok && !check.ledger) throw new InputError(`--since ${opts.since}: ${check.reason}`);
      const ledger: VerifyResult = check.ledger!;
      const anchored = opts.anchor?.length ? await store.ledger.verify({ anchors: opts.anchor }) : ledger;
      return { result: anchored.ok ? ledger : anchored, description: store.description, since: check };
    };
    const c = await chain();
    // Then the records: only against a chain found intact (a broken one says nothing trustworthy about them).
    return { ...c, records: c.result.ok ? await store.ledger.verifyRecords() : null };
  });
  if (since && !opts.json) {
    process.stdout.write(since.ok
      ? `The ledger still holds the checkpoint of ${since.checkpoint.at} (entry ${since.checkpoint.size}, key ${since.checkpoint.keyId}) and only grew since.\n`
      : `Checkpoint NOT held: ${since.reason}.\n`);
  }
  if (opts.json) {
    const sinceJson = since ? { since: since.ok ? { ok: true, checkpoint: since.checkpoint } : { ok: false, reason: since.reason } } : {};
    process.stdout.write(`${JSON.stringify({ ...result, ...sinceJson, ...(records ? { records } : {}) })}\n`);
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
  if (records && !opts.json) printRecords(records);
  if (!result.ok || (since && !since.ok) || (records && !records.ok)) process.exitCode = 1;
}

/** The records check's outcome, after the chain's. */
function printRecords(r: RecordsResult): void {
  const n = (x: number, one: string, many: string) => `${x.toLocaleString('en')} ${x === 1 ? one : many}`;
  const stored = `${n(r.counts.incident, 'incident', 'incidents')}, ${n(r.counts.user, 'user', 'users')}, ${n(r.counts.case, 'case', 'cases')}`;
  if (r.ok) {
    process.stdout.write(`Records intact: ${stored} stored; ${n(r.checked, 'record is', 'records are')} what the ledger last wrote.\n`);
  } else {
    process.stdout.write(`Records BROKEN: ${n(r.problems, 'record differs', 'records differ')} from the ledger (${stored} stored):\n`);
    for (const f of r.findings) process.stdout.write(`  ${f.kind} ${f.id}: ${f.problem}: ${f.detail}.\n`);
    if (r.problems > r.findings.length) process.stdout.write(`  … and ${(r.problems - r.findings.length).toLocaleString('en')} more.\n`);
  }
  if (r.unbound > 0) {
    process.stdout.write(`Not checked: ${n(r.unbound, 'record was', 'records were')} written before ledger entries carried content hashes. Check them, then run "foedus ledger bind" to vouch for them as they are now.\n`);
  }
}

/** `foedus ledger bind`: one entry per record an older store wrote without a content hash (src/store/ledger/records.ts). */
export async function bind(opts: { db?: string }): Promise<void> {
  const r = await withStore(opts.db, (store) => store.transaction((tx) => tx.ledger.bindRecords(cliActor())));
  process.stdout.write(
    r.wrote
      ? `Bound ${r.bound.toLocaleString('en')} ${r.bound === 1 ? 'record' : 'records'} to the ledger as they are now; "foedus ledger verify" checks every record from now on.\n`
      : 'Nothing to bind: every record was written with its content hash in the ledger.\n',
  );
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
