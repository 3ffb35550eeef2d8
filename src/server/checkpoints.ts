import type { KeyObject } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/store.ts';
import { issueCheckpoint, issuedCheckpoints } from '../store/ledger/checkpoints.ts';
import { GENESIS_HASH } from '../ledger/chain.ts';
import { NotAnExtension } from '../ledger/checkpoint.ts';

/** Signs a checkpoint every `intervalMs` when the ledger moved since the last one (one process at a time). */
export class CheckpointSigner {
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly store: Store, private readonly key: KeyObject, private readonly log: FastifyBaseLogger, private readonly clock: () => Date) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
    void this.tick();
  }

  async tick(): Promise<void> {
    try {
      // Several server processes on one PostgreSQL: one signs, the others, finding it at work, leave it be.
      await this.store.exclusive('checkpoint.signer', async () => {
        const head = await this.store.ledger.head();
        const last = (await issuedCheckpoints(this.store))[0];
        // Same head: nothing new to sign. Same size but another hash is a rewrite, which issueCheckpoint refuses (below).
        if (last && last.size === (head?.seq ?? 0) && last.hash === (head?.hash ?? GENESIS_HASH)) return;
        const c = await issueCheckpoint(this.store, this.key, this.clock());
        this.log.info({ size: c.size, keyId: c.keyId }, 'ledger checkpoint signed');
      });
    } catch (err) {
      if (err instanceof NotAnExtension) {
        this.log.error({ signed: err.signed }, `ledger checkpoint refused: ${err.message}`);
        return;
      }
      this.log.warn({ err }, 'could not sign a ledger checkpoint; will try again');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
