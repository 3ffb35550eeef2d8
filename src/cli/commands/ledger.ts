import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import type { ChainHead } from '../../ledger/chain.ts';
import type { CheckpointOptions, VerifyOptions } from '../actions/ledger.ts';

/**
 * `foedus ledger verify [--db …] [--json] [--anchor SEQ:HASH …] [--since CHECKPOINT [--key PUB]]`,
 * `foedus ledger checkpoint [--out FILE]`, `foedus ledger keygen --out FILE`
 *
 * Recomputes the whole hash chain and checks it ends at the head recorded beside it; then checks
 * every stored incident, user and case is what the ledger last wrote (each entry carries the
 * record's content hash), naming those edited, deleted or inserted around it.
 * Exit 0 when intact, 1 when broken (naming the first broken entry or the records), 2 on bad input.
 * With --since: 1 also when the ledger does not hold the checkpoint, 2 when the checkpoint is not
 * one or not signed (by --key). `checkpoint` exits 1 rather than sign a ledger that no longer
 * extends the last checkpoint signed, 2 without a key.
 *
 * The recorded head lives in the same database, so someone who can write there could
 * cut the tail and rewrite the head too: note the printed head somewhere else (a ticket,
 * a mail) and pass it later as --anchor to catch that as well.
 * What it does is in ../actions/ledger.ts, loaded when the command runs.
 */

function parseAnchor(value: string, previous: ChainHead[] = []): ChainHead[] {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(value.trim());
  if (!m) throw new InputError(`--anchor "${value}" must be SEQ:HASH, e.g. 1234:<64 hex digits> as printed by "foedus ledger verify"`);
  return [...previous, { seq: Number(m[1]), hash: m[2]! }];
}

export function register(program: Command): void {
  const ledger = program.command('ledger').description('The hash-chained ledger of every change.');

  ledger
    .command('verify')
    .description('Recompute the hash chain and name the first broken entry, then check every incident, user and case against the ledger (exit 1 when broken).')
    .option('--db <path>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .option('--json', 'print the result as JSON')
    .option('--anchor <seq:hash>', 'a head noted earlier that must still be in the chain (repeatable)', parseAnchor)
    .option('--since <file>', 'a signed checkpoint kept earlier: the ledger must still hold what it signed, and only have grown since')
    .option('--key <file>', 'with --since: the public key (PEM) the checkpoint must be signed with, kept apart from it')
    .action(async (opts: VerifyOptions) => (await import('../actions/ledger.ts')).verify(opts));

  ledger
    .command('bind')
    .description('Once, on a store written before ledger entries carried content hashes: vouch for its records as they are now, so verify checks every one from then on.')
    .option('--db <path>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .action(async (opts: { db?: string }) => (await import('../actions/ledger.ts')).bind(opts));

  ledger
    .command('checkpoint')
    .description('Sign the ledger\'s head now and print the checkpoint (JSON) to keep; needs FOEDUS_CHECKPOINT_KEY_FILE or FOEDUS_CHECKPOINT_KEY.')
    .option('--db <path>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .option('--out <file>', 'write it to this file instead of stdout')
    .action(async (opts: CheckpointOptions) => (await import('../actions/ledger.ts')).checkpoint(opts));

  ledger
    .command('keygen')
    .description('Make a new Ed25519 key pair for signing checkpoints: FILE (private, mode 600; keep it off the database\'s machine\'s backups) and FILE.pub.')
    .requiredOption('--out <file>', 'where to write the private key (the public one goes to FILE.pub)')
    .action(async (opts: { out: string }) => (await import('../actions/ledger.ts')).keygen(opts));
}
