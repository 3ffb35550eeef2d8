import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import type { ChainHead } from '../../ledger/chain.ts';
import { withStore } from '../store.ts';

/**
 * `foedus ledger verify [--db …] [--json] [--anchor SEQ:HASH …]`
 *
 * Recomputes the whole hash chain and checks it ends at the head recorded beside it.
 * Exit 0 when intact, 1 when broken (naming the first broken entry), 2 on bad input.
 *
 * The recorded head lives in the same database, so someone who can write there could
 * cut the tail and rewrite the head too: note the printed head somewhere else (a ticket,
 * a mail) and pass it later as --anchor to catch that as well.
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
    .description('Recompute the hash chain and name the first broken entry (exit 1 when broken).')
    .option('--db <path>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .option('--json', 'print the result as JSON')
    .option('--anchor <seq:hash>', 'a head noted earlier that must still be in the chain (repeatable)', parseAnchor)
    .action(async (opts: { db?: string; json?: boolean; anchor?: ChainHead[] }) => {
      const { result, description } = await withStore(opts.db, async (store) => ({
        result: await store.ledger.verify({ anchors: opts.anchor ?? [] }),
        description: store.description,
      }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
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
      if (!result.ok) process.exitCode = 1;
    });
}
