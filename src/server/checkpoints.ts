import type { KeyObject } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/store.ts';
import { issueCheckpoint, issuedCheckpoints } from '../store/ledger/checkpoints.ts';

/** Signs a checkpoint every `intervalMs` when the ledger moved since the last one. */
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
      const head = await this.store.ledger.head();
      const last = (await issuedCheckpoints(this.store))[0];
      if (last && last.size === (head?.seq ?? 0)) return;
      const c = await issueCheckpoint(this.store, this.key, this.clock());
      this.log.info({ size: c.size, keyId: c.keyId }, 'ledger checkpoint signed');
    } catch (err) {
      this.log.warn({ err }, 'could not sign a ledger checkpoint; will try again');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
