import type { Store } from '../../store/store.ts';

/**
 * Sign-in throttling as OWASP's authentication guidance and "Slow Down Online Guessing Attacks with
 * Device Cookies" describe it: delays that grow with consecutive failures instead of a hard lock,
 * counted per account and per address separately, and a device that signed in to an account before
 * (a device cookie) that is not held back by what others did to that account.
 *
 * - An account: 5 failures free, then 1 s, 2 s, 4 s … up to 15 minutes before the next try. The
 *   right password from a new device waits too (a guesser must not learn it by being let in), but
 *   never for long; the right password from a known device does not wait at all.
 * - An address: 100 failures free (an operations centre signs in from behind one address), then the
 *   same growing delay, for attempts from unknown devices: a guesser spraying many accounts is slowed.
 * - A known device: its own failures only, with the account's numbers.
 * The state is in the store (login_throttle), so every server process counts the same failures.
 */

export interface ThrottlePolicy {
  /** Consecutive failures before any delay. */
  free: number;
  maxDelayMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { free: 5, maxDelayMs: 15 * 60_000 };
export const ADDRESS_POLICY: ThrottlePolicy = { free: 100, maxDelayMs: 15 * 60_000 };
/** Failures are forgotten a day after the last one. */
export const FORGET_AFTER_MS = 24 * 3600_000;

/** How long to wait after `failures` consecutive failures: 0 while free, then doubling from one second. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures <= policy.free) return 0;
  return Math.min(policy.maxDelayMs, 1000 * 2 ** Math.min(30, failures - policy.free - 1));
}

export class LoginThrottle {
  constructor(private readonly store: Store, private readonly now: () => Date = () => new Date()) {}

  /** Seconds before all of `keys` may try again (0: now). */
  async wait(keys: string[]): Promise<number> {
    const t = this.now().getTime();
    let until = t;
    for (const k of keys) {
      const s = await this.store.throttle.get(k);
      if (s?.blockedUntil) until = Math.max(until, Date.parse(s.blockedUntil));
    }
    return until > t ? Math.ceil((until - t) / 1000) : 0;
  }

  /** Counts a failure against each key, and holds the key back as its policy says. */
  async failed(keys: Array<[key: string, policy: ThrottlePolicy]>): Promise<void> {
    const now = this.now();
    for (const [k, policy] of keys) {
      const n = await this.store.throttle.fail(k, now.toISOString());
      const delay = delayAfter(n, policy);
      if (delay > 0) await this.store.throttle.block(k, new Date(now.getTime() + delay).toISOString());
    }
  }

  /** A success clears the keys it vouches for, and drops failures a day old. */
  async succeeded(keys: string[]): Promise<void> {
    for (const k of keys) await this.store.throttle.clear(k);
    await this.store.throttle.prune(new Date(this.now().getTime() - FORGET_AFTER_MS).toISOString());
  }
}
