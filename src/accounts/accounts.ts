import { InputError } from '../errors.ts';
import { isIso3 } from '../incident/countries.ts';
import { ROLES, type Role, type User } from '../store/accounts/account-repository.ts';
import type { Store } from '../store/store.ts';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  hashPassword,
  newApiToken,
  sha256Hex,
  timingDummyHash,
  verifyPassword,
} from './secrets.ts';

/**
 * Account changes, shared by the API and the CLI. Each change and its ledger entry
 * are written in one transaction. `by` is the ledger actor: `user:<name>`, `system`
 * or `cli:<os user>`. Bad input throws InputError with a code (the API maps
 * `user_exists` to 409 and `user_not_found` to 404, the rest to 400; the CLI exits 2).
 */

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export interface NewUser {
  username: string;
  role: string;
  party?: string | null | undefined;
  password: string;
  /** The user must choose a new password at first sign-in (one-time passwords). */
  mustChangePassword?: boolean;
}

/** Usernames are case-insensitive: kept in lower case. */
export function checkUsername(input: string): string {
  const username = input.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw new InputError(`invalid username "${input}": use 2–64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit`, { code: 'invalid_username' });
  }
  return username;
}

export function checkPassword(password: string): string {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new InputError(`the password is too short: use at least ${PASSWORD_MIN_LENGTH} characters`, { code: 'weak_password' });
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new InputError(`the password is too long: at most ${PASSWORD_MAX_LENGTH} characters`, { code: 'invalid_password' });
  }
  return password;
}

/** A role, and the party it needs: liaisons need a valid ISO3 party; other roles have none. */
export function checkRoleAndParty(role: string, party: string | null | undefined): { role: Role; party: string | null } {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new InputError(`unknown role "${role}": use one of ${ROLES.join(', ')}`, { code: 'invalid_role' });
  }
  const p = party?.trim() ? party.trim().toUpperCase() : null;
  if (role === 'liaison') {
    if (!p) throw new InputError('a liaison acts for one party: give its ISO3 code (e.g. --party MLI)', { code: 'party_required' });
    if (!isIso3(p)) throw new InputError(`"${party}" is not an ISO 3166-1 alpha-3 country code (e.g. MLI, BFA, NER)`, { code: 'invalid_party' });
    return { role, party: p };
  }
  if (p) throw new InputError(`only liaisons are bound to a party; a ${role} account takes no party`, { code: 'party_not_allowed' });
  return { role: role as Role, party: null };
}

/** Adds a user and its ledger entry. */
export async function addUser(store: Store, by: string, input: NewUser): Promise<User> {
  const username = checkUsername(input.username);
  const { role, party } = checkRoleAndParty(input.role, input.party);
  const passwordHash = await hashPassword(checkPassword(input.password));
  const mustChangePassword = input.mustChangePassword ?? false;
  return store.transaction(async (tx) => {
    if (await tx.accounts.findUser(username)) throw new InputError(`a user named "${username}" already exists`, { code: 'user_exists' });
    const user = await tx.accounts.createUser({ username, role, party, passwordHash, mustChangePassword, now: new Date().toISOString() });
    await tx.ledger.append({ actor: by, action: 'user.created', target: `user:${username}`, payload: { username, role, party, mustChangePassword } });
    return user;
  });
}

/** Disables a user: it can no longer sign in, its sessions end and its tokens stop working. */
export async function disableUser(store: Store, by: string, name: string): Promise<User> {
  const username = name.trim().toLowerCase();
  return store.transaction(async (tx) => {
    const existing = await tx.accounts.findUser(username);
    if (!existing) throw new InputError(`there is no user named "${username}"`, { code: 'user_not_found' });
    const user = (await tx.accounts.disableUser(username, new Date().toISOString()))!;
    if (!existing.disabledAt) {
      await tx.ledger.append({ actor: by, action: 'user.disabled', target: `user:${username}`, payload: { username } });
    }
    return user;
  });
}

/** Issues a bearer API token for a user; the token is returned once and stored only as a hash. */
export async function issueToken(store: Store, by: string, name: string, label?: string | null): Promise<{ token: string; user: User }> {
  const username = name.trim().toLowerCase();
  const token = newApiToken();
  return store.transaction(async (tx) => {
    const user = await tx.accounts.findUser(username);
    if (!user) throw new InputError(`there is no user named "${username}"`, { code: 'user_not_found' });
    if (user.disabledAt) throw new InputError(`user "${username}" is disabled: a disabled user gets no token`, { code: 'user_disabled' });
    const rec = await tx.accounts.createToken({ userId: user.id, tokenHash: sha256Hex(token), label: label ?? null, now: new Date().toISOString() });
    // The token itself never enters the ledger: only which one (its id) and for whom.
    await tx.ledger.append({ actor: by, action: 'user.token_issued', target: `user:${username}`, payload: { username, tokenId: rec.id, label: rec.label } });
    const { passwordHash: _h, ...pub } = user;
    return { token, user: pub };
  });
}

/**
 * Checks a username and password. Null for an unknown user, a wrong password or a
 * disabled user (the caller says the same thing for all three).
 */
export async function checkCredentials(store: Store, username: string, password: string): Promise<User | null> {
  const user = await store.accounts.findUser(username);
  if (!user) {
    await verifyPassword(await timingDummyHash(), password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  if (user.disabledAt) return null;
  const { passwordHash: _h, ...pub } = user;
  return pub;
}

/** Sets a new password (clearing "must change"), ends the user's other sessions, and records it. */
export async function changePassword(store: Store, userId: number, currentPassword: string, newPassword: string, keepSessionIdHash?: string): Promise<void> {
  const user = await store.accounts.findUserById(userId);
  if (!user || user.disabledAt) throw new InputError('this account no longer exists or is disabled', { code: 'user_not_found' });
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new InputError('the current password is wrong', { code: 'wrong_password' });
  }
  checkPassword(newPassword);
  if (newPassword === currentPassword) throw new InputError('choose a new password different from the current one', { code: 'weak_password' });
  const passwordHash = await hashPassword(newPassword);
  await store.transaction(async (tx) => {
    await tx.accounts.setPassword(user.id, passwordHash, false);
    await tx.accounts.deleteSessionsOfUser(user.id, keepSessionIdHash);
    await tx.ledger.append({ actor: `user:${user.username}`, action: 'user.password_changed', target: `user:${user.username}`, payload: { username: user.username } });
  });
}
