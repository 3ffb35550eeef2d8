import type { RepositoryContext } from '../store.ts';

/** One throttled key: consecutive failures, the last one, and until when the key must wait (null: not now). */
export interface ThrottleState {
  failures: number;
  lastAt: string;
  blockedUntil: string | null;
}

/** Sign-in throttling state and known devices (migration 010); what the numbers mean is src/server/auth/throttle.ts. */
export interface ThrottleRepository {
  get(key: string): Promise<ThrottleState | null>;
  /** Counts one more failure for `key` and returns the new count. */
  fail(key: string, at: string): Promise<number>;
  block(key: string, until: string): Promise<void>;
  clear(key: string): Promise<void>;
  /** Drops the keys whose last failure is older than `before` (the state is bounded). */
  prune(before: string): Promise<number>;
  /** The account a device cookie (by its hash) signed in to, or null. */
  deviceOf(idHash: string): Promise<string | null>;
  rememberDevice(idHash: string, username: string, at: string): Promise<void>;
}

export function throttleRepository(ctx: RepositoryContext): ThrottleRepository {
  const { db } = ctx;
  return {
    async get(key) {
      const r = await db.selectFrom('login_throttle').select(['failures', 'last_at', 'blocked_until']).where('key', '=', key).executeTakeFirst();
      return r ? { failures: Number(r.failures), lastAt: String(r.last_at), blockedUntil: r.blocked_until ?? null } : null;
    },
    async fail(key, at) {
      // One statement: two processes counting the same key at once both count.
      const r = await db
        .insertInto('login_throttle')
        .values({ key, failures: 1, last_at: at, blocked_until: null })
        .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb('login_throttle.failures', '+', 1), last_at: at })))
        .returning('failures')
        .executeTakeFirstOrThrow();
      return Number(r.failures);
    },
    async block(key, until) {
      await db.updateTable('login_throttle').set({ blocked_until: until }).where('key', '=', key).execute();
    },
    async clear(key) {
      await db.deleteFrom('login_throttle').where('key', '=', key).execute();
    },
    async prune(before) {
      const r = await db.deleteFrom('login_throttle').where('last_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async deviceOf(idHash) {
      const r = await db.selectFrom('known_device').select('username').where('id_hash', '=', idHash).executeTakeFirst();
      return r ? String(r.username) : null;
    },
    async rememberDevice(idHash, username, at) {
      await db
        .insertInto('known_device')
        .values({ id_hash: idHash, username, created_at: at, last_used_at: at })
        .onConflict((oc) => oc.column('id_hash').doUpdateSet({ last_used_at: at }))
        .execute();
    },
  };
}
