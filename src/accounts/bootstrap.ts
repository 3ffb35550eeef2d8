import { InputError } from '../errors.ts';
import type { Role } from '../store/accounts/account-repository.ts';
import type { Store } from '../store/store.ts';
import { addUser } from './accounts.ts';
import { randomPassword } from './secrets.ts';

/** The first accounts of a store: a bootstrap admin on a fresh store, or the demo accounts (`foedus serve --demo`). */

export interface Credentials {
  username: string;
  role: Role;
  party: string | null;
  password: string;
}

/**
 * On the first start of a fresh store (no user at all): creates `admin` with a random
 * one-time password, which must be changed at first sign-in (POST /api/v1/auth/password;
 * every other request answers 403 `password_change_required` until then).
 * Returns the credentials for the server to print once, or null when users exist.
 */
export async function ensureBootstrapAdmin(store: Store): Promise<Credentials | null> {
  if ((await store.accounts.countUsers()) > 0) return null;
  const password = randomPassword();
  try {
    await addUser(store, 'system', { username: 'admin', role: 'admin', password, mustChangePassword: true });
  } catch (err) {
    // Another server process bootstrapped the same fresh database first.
    if ((await store.accounts.countUsers()) > 0) return null;
    throw err;
  }
  return { username: 'admin', role: 'admin', party: null, password };
}

/**
 * The demo accounts' one password. Demo data only: it is fixed and documented so a
 * visitor can sign in as anyone; never start a real deployment with --demo.
 */
export const DEMO_PASSWORD = 'foedus-demo';

export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; role: Role; party: string | null }> = [
  { username: 'secretariat', role: 'secretariat', party: null },
  { username: 'liaison-mli', role: 'liaison', party: 'MLI' },
  { username: 'liaison-bfa', role: 'liaison', party: 'BFA' },
  { username: 'liaison-ner', role: 'liaison', party: 'NER' },
  { username: 'observer', role: 'observer', party: null },
  { username: 'admin', role: 'admin', party: null },
];

/** Demo mode: creates whichever demo accounts are missing; returns those it created, with their password. */
export async function ensureDemoAccounts(store: Store): Promise<Credentials[]> {
  const created: Credentials[] = [];
  for (const a of DEMO_ACCOUNTS) {
    if (await store.accounts.findUser(a.username)) continue;
    try {
      await addUser(store, 'system', { ...a, password: DEMO_PASSWORD });
      created.push({ ...a, password: DEMO_PASSWORD });
    } catch (err) {
      if (!(err instanceof InputError && err.code === 'user_exists')) throw err;
    }
  }
  return created;
}
