import type { FastifyBaseLogger } from 'fastify';
import { assess, compileCharters, triggeredArticles, type CompiledCharters } from '../charter/engine.ts';
import type { Charter } from '../charter/schema.ts';
import type { Store } from '../store/store.ts';
import type { Feed } from './feed.ts';

/**
 * Keeps every incident's stored assessment (its triggered "charter/article" pairs, which
 * the lists, filters and counts read) current, in the background:
 * - at start-up, when the charter files' versions differ from those the stored
 *   assessments were computed against, every incident is assessed again;
 * - after any write (a manual record, a correction, an import: writers clear the stored
 *   assessment), the incidents not yet assessed are.
 * Progress is on /readyz and on the live feed (assessments.progress); nobody has to run
 * `foedus incidents assess` for the lists and the map to be right.
 */

export const CHARTERS_KEY = 'assessments.charters';
const BATCH = 500;
/** How soon to look again when another process was refreshing. */
const RETRY_MS = 2_000;

export interface RefreshState {
  state: 'current' | 'refreshing';
  /** Why a refresh runs: the charters changed, or incidents were written. */
  reason: 'charters_changed' | 'new_incidents' | null;
  done: number;
  /** Incidents to go through (known at the start of a refresh). */
  total: number;
  /** The charter versions the stored assessments follow ("aes-2023@1.0.0,…"). */
  charters: string;
}

export function chartersFingerprint(charters: readonly Charter[]): string {
  return charters.map((c) => `${c.id}@${c.version}`).sort().join(',');
}

export class AssessmentRefresher {
  private readonly compiled: CompiledCharters;
  private readonly fingerprint: string;
  private running: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly status: RefreshState;

  constructor(private readonly store: Store, charters: readonly Charter[], private readonly log: FastifyBaseLogger, private readonly feed: Feed | null) {
    this.compiled = compileCharters(charters as Charter[]);
    this.fingerprint = chartersFingerprint(charters);
    this.status = { state: 'current', reason: null, done: 0, total: 0, charters: this.fingerprint };
  }

  /** Starts the start-up check (does not wait for it). */
  start(): void {
    this.kick();
  }

  /** Asks for a pass over the incidents not yet assessed (coalesced while one runs). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err: unknown) => this.log.error({ err }, 'assessment refresh failed; it is tried again on the next write or start'))
      .finally(() => {
        this.running = null;
        this.status.state = 'current';
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits for the running pass (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.idle();
  }

  private async run(): Promise<void> {
    // Several server processes on one PostgreSQL: one refreshes at a time. One that finds another
    // at work looks again shortly, for what was written since that pass went by.
    const ran = await this.store.exclusive('assessments.refresh', () => this.pass());
    if (!ran && !this.stopped && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = null;
        this.kick();
      }, RETRY_MS);
      this.retry.unref();
    }
  }

  private async pass(): Promise<void> {
    const stored = await this.store.meta.get(CHARTERS_KEY);
    const all = stored !== this.fingerprint;
    const filter = all ? {} : { assessed: false };
    const total = await this.store.incidents.count(filter);
    if (total === 0 && !all) return;
    Object.assign(this.status, { state: 'refreshing', reason: all ? 'charters_changed' : 'new_incidents', done: 0, total });
    if (all && total > 0) this.log.info({ from: stored, to: this.fingerprint, incidents: total }, 'charters changed: assessing every incident again');
    let batch: Array<{ id: string; assessment: string[] }> = [];
    const flush = async () => {
      if (batch.length) await this.store.incidents.setAssessments(batch);
      this.status.done += batch.length;
      batch = [];
      this.feed?.publish('assessments.progress', { ...this.status });
    };
    for await (const r of this.store.incidents.iterate(filter, { withReports: false })) {
      if (this.stopped) return;
      const pairs = triggeredArticles(assess(r.incident, this.compiled, undefined, { trace: false }));
      batch.push({ id: r.id, assessment: pairs });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (all) await this.store.meta.set(CHARTERS_KEY, this.fingerprint, new Date().toISOString());
    this.feed?.publish('assessments.progress', { ...this.status, state: 'current' });
  }
}
