/**
 * Login rate limiting: at most `max` failed attempts per `windowMs` per client
 * address, and as many per username (so spreading guesses over many addresses does
 * not help either); then 429 with Retry-After until the window ends, even for the
 * right password. Successful sign-ins are not counted (an office behind one NAT
 * address is not throttled). The price of the per-username limit: someone can keep
 * an account from signing in for a few minutes by failing on purpose. In memory, per server process: a
 * restart resets it, and several server processes each count on their own.
 *
 * A fixed window per key; the clock is injectable so tests need no waiting.
 */
export interface RateLimitOptions {
  max: number;
  windowMs: number;
  now?: () => number;
  /** Keys kept at most (oldest windows dropped first), so a flood of addresses cannot exhaust memory. */
  maxKeys?: number;
}

export const LOGIN_LIMIT_DEFAULTS = { max: 10, windowMs: 5 * 60_000 };

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(options: RateLimitOptions) {
    this.max = options.max;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Seconds until `key` may try again, or 0 when it may try now. Does not count. */
  retryAfter(key: string): number {
    const w = this.current(key);
    if (!w || w.count < this.max) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000));
  }

  /** Counts one attempt for `key`. */
  hit(key: string): void {
    const w = this.current(key);
    if (w) {
      w.count++;
      return;
    }
    if (this.windows.size >= this.maxKeys) this.prune();
    this.windows.set(key, { start: this.now(), count: 1 });
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): { start: number; count: number } | undefined {
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
    // Still full: drop the oldest (Map keeps insertion order).
    while (this.windows.size >= this.maxKeys) {
      const first = this.windows.keys().next();
      if (first.done) break;
      this.windows.delete(first.value);
    }
  }
}
