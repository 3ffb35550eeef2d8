import type { ChainHead } from '../../ledger/chain.ts';
import { withStore } from '../store.ts';

/** What `foedus ledger verify` does (declared, with its options, in ../commands/ledger.ts). */

export interface VerifyOptions { db?: string; json?: boolean; anchor?: ChainHead[] }

export async function verify(opts: VerifyOptions): Promise<void> {
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
}
