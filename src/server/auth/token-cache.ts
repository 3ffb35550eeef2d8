import type { TokenRecord, User } from '../../store/accounts/account-repository.ts';
import type { Store } from '../../store/store.ts';

/**
 * A short-lived memory of bearer tokens already checked: token hash → its token
 * record and user, for TOKEN_CACHE_MS. A script sending one request after another
 * with the same token then costs one store lookup every few seconds instead of one
 * per request (the lookup was ~11 % of the server's CPU under load).
 *
 * Bounds: in this process, disabling a user or changing a password forgets every
 * cached token at once (accounts.ts calls forgetTokens after the change commits),
 * so the change takes effect on the next request. Another process sharing the
 * store (a second server, the CLI) cannot reach this memory: there a revoked token
 * or a disabled user keeps working for at most TOKEN_CACHE_MS.
 * Unknown or revoked tokens are never cached: they go to the store every time.
 */
export const TOKEN_CACHE_MS = 5_000;
/** Past this many entries the memory starts afresh (many tokens in a few seconds: no point remembering them). */
const MAX_ENTRIES = 10_000;

interface Entry {
  token: TokenRecord;
  user: User;
  until: number;
}

const caches = new WeakMap<Store, Map<string, Entry>>();

function cacheOf(store: Store): Map<string, Entry> {
  let c = caches.get(store);
  if (!c) caches.set(store, (c = new Map()));
  return c;
}

/** The cached token and user for a token hash, or undefined (not cached or expired). */
export function cachedToken(store: Store, tokenHash: string, now: number): { token: TokenRecord; user: User } | undefined {
  const c = caches.get(store);
  const e = c?.get(tokenHash);
  if (!e) return undefined;
  if (e.until <= now) {
    c!.delete(tokenHash);
    return undefined;
  }
  return e;
}

export function rememberToken(store: Store, tokenHash: string, found: { token: TokenRecord; user: User }, now: number): void {
  const c = cacheOf(store);
  if (c.size >= MAX_ENTRIES) c.clear();
  c.set(tokenHash, { token: found.token, user: found.user, until: now + TOKEN_CACHE_MS });
}

/** Forgets every cached token of this store (after a user is disabled or changes password). */
export function forgetTokens(store: Store): void {
  caches.get(store)?.clear();
}
