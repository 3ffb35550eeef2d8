import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../../store/store.ts';
import type { ClaimedDelivery } from '../../store/webhooks/webhook-repository.ts';
import { DEFAULT_BACKOFF, retryDelayMs, signatureHeader, SIGNATURE_HEADER, type Backoff } from '../../webhooks/signature.ts';

/**
 * Sends the webhook outbox: every `pollMs` it claims the deliveries that are due, POSTs
 * each (signed, with a timeout), and records the outcome — delivered on a 2xx, otherwise
 * due again after an exponential backoff, failed after the last attempt. Nothing lives
 * only in memory: a process stopped or killed mid-way leaves rows that any process
 * (this one restarted, or another on the same PostgreSQL) sends when their time comes.
 */

export interface DelivererOptions {
  pollMs?: number;
  /** How long a claimed delivery is ours before another process may try it (longer than the timeout). */
  leaseMs?: number;
  timeoutMs?: number;
  backoff?: Backoff;
  /** The clock (tests move it). */
  now?: () => Date;
}

export class WebhookDeliverer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly timeoutMs: number;
  private readonly backoff: Backoff;
  private readonly now: () => Date;

  constructor(private readonly store: Store, private readonly log: FastifyBaseLogger, opts: DelivererOptions = {}) {
    this.pollMs = opts.pollMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.leaseMs = opts.leaseMs ?? this.timeoutMs * 3;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.now = opts.now ?? (() => new Date());
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
  }

  /** Stops polling and waits for the attempts under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round: send what is due now. Rounds never overlap. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.round()
      .catch((err: unknown) => this.log.warn({ err }, 'webhook delivery round failed; retrying at the next poll'))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async round(): Promise<void> {
    const now = this.now();
    const due = await this.store.webhooks.claim(now.toISOString(), new Date(now.getTime() + this.leaseMs).toISOString(), 20);
    for (const d of due) {
      if (this.stopped) return;
      await this.send(d);
    }
  }

  private async send(d: ClaimedDelivery): Promise<void> {
    const at = this.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Foedus-Webhooks/1',
          'foedus-event': d.eventType,
          'foedus-delivery': d.id,
          [SIGNATURE_HEADER]: signatureHeader(d.secret, d.body, Math.floor(at.getTime() / 1000)),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      await res.body?.cancel();
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (err) {
      error = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
    }
    const delivered = error === null;
    const delay = delivered ? null : retryDelayMs(d.attempts + 1, this.backoff);
    const retryAt = delay === null ? null : new Date(this.now().getTime() + delay).toISOString();
    await this.store.webhooks.record(d.id, { at: at.toISOString(), status, error, retryAt, delivered });
    if (!delivered) this.log.info({ delivery: d.id, status, error, retryAt }, 'webhook delivery failed');
  }
}
