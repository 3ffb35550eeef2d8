import { InputError } from '../errors.ts';
import { isIso3 } from '../incident/countries.ts';
import { ROLES, type Role, type TokenRecord, type User } from '../store/accounts/account-repository.ts';
import type { Store } from '../store/store.ts';
import { checkPassword } from './password-policy.ts';
import { TOKEN_DAYS } from './token-days.ts';
import {
  hashPassword,
  newApiToken,
  sha256Hex,
  timingDummyHash,
  verifyPassword,
} from './secrets.ts';

/**
 * Account changes, shared by the API and the CLI. Each change and its ledger entry
 * are written in one transaction. `by` is the ledger actor: `user:<name>`, `system`
 * or `cli:<os user>`; every entry carries the user's content hash after the change, which `ledger
 * verify` compares with the stored account (src/store/ledger/record-content.ts). Bad input throws InputError with a code (the API maps
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

export { checkPassword } from './password-policy.ts';

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
  const passwordHash = await hashPassword(checkPassword(input.password, username));
  const mustChangePassword = input.mustChangePassword ?? false;
  return store.transaction(async (tx) => {
    if (await tx.accounts.findUser(username)) throw new InputError(`a user named "${username}" already exists`, { code: 'user_exists' });
    const user = await tx.accounts.createUser({ username, role, party, passwordHash, mustChangePassword, now: new Date().toISOString() });
    await tx.ledger.append({ actor: by, action: 'user.created', target: `user:${username}`, payload: { username, role, party, mustChangePassword, contentHash: await tx.accounts.contentHash(username) } });
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
      await tx.ledger.append({ actor: by, action: 'user.disabled', target: `user:${username}`, payload: { username, contentHash: await tx.accounts.contentHash(username) } });
    }
    return user;
  });
}

export { TOKEN_DAYS };

function tokenEnd(days: number | undefined, now: Date): string {
  const d = days ?? TOKEN_DAYS.default;
  if (!Number.isInteger(d) || d < 1 || d > TOKEN_DAYS.max) {
    throw new InputError(`a token lives 1 to ${TOKEN_DAYS.max} days, not ${d}`, { code: 'invalid_expiry' });
  }
  return new Date(now.getTime() + d * 86_400_000).toISOString();
}

/** Issues a bearer API token for a user; the token is returned once and stored only as a hash. It expires after `days` (default 90). */
export async function issueToken(store: Store, by: string, name: string, label?: string | null, days?: number): Promise<{ token: string; user: User; record: TokenRecord }> {
  const username = name.trim().toLowerCase();
  const token = newApiToken();
  const now = new Date();
  const expiresAt = tokenEnd(days, now);
  return store.transaction(async (tx) => {
    const user = await tx.accounts.findUser(username);
    if (!user) throw new InputError(`there is no user named "${username}"`, { code: 'user_not_found' });
    if (user.disabledAt) throw new InputError(`user "${username}" is disabled: a disabled user gets no token`, { code: 'user_disabled' });
    const rec = await tx.accounts.createToken({ userId: user.id, tokenHash: sha256Hex(token), label: label ?? null, now: now.toISOString(), expiresAt });
    // The token itself never enters the ledger: only which one (its id), for whom and until when.
    await tx.ledger.append({ actor: by, action: 'user.token_issued', target: `user:${username}`, payload: { username, tokenId: rec.id, label: rec.label, expiresAt, contentHash: await tx.accounts.contentHash(username) } });
    const { passwordHash: _h, ...pub } = user;
    return { token, user: pub, record: rec };
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
  checkPassword(newPassword, user.username);
  if (newPassword === currentPassword) throw new InputError('choose a new password different from the current one', { code: 'weak_password' });
  const passwordHash = await hashPassword(newPassword);
  await store.transaction(async (tx) => {
    await tx.accounts.setPassword(user.id, passwordHash, false);
    await tx.accounts.deleteSessionsOfUser(user.id, keepSessionIdHash);
    // Whoever knew the old password may have made a token with it: they all end.
    const tokensRevoked = await tx.accounts.revokeTokensOfUser(user.id, new Date().toISOString());
    await tx.ledger.append({ actor: `user:${user.username}`, action: 'user.password_changed', target: `user:${user.username}`, payload: { username: user.username, tokensRevoked, contentHash: await tx.accounts.contentHash(user.username) } });
  });
}

/**
 * An admin sets a user's password (forgotten, or suspected known to someone else): the
 * user must choose a new one at next sign-in, and every session and token of it ends.
 */
export async function resetPassword(store: Store, by: string, name: string, newPassword: string): Promise<User> {
  const username = name.trim().toLowerCase();
  const existing = await store.accounts.findUser(username);
  if (!existing) throw new InputError(`there is no user named "${username}"`, { code: 'user_not_found' });
  if (existing.disabledAt) throw new InputError(`user "${username}" is disabled: enable it before resetting its password`, { code: 'user_disabled' });
  const passwordHash = await hashPassword(checkPassword(newPassword, username));
  return store.transaction(async (tx) => {
    await tx.accounts.setPassword(existing.id, passwordHash, true);
    await tx.accounts.deleteSessionsOfUser(existing.id);
    const tokensRevoked = await tx.accounts.revokeTokensOfUser(existing.id, new Date().toISOString());
    await tx.ledger.append({ actor: by, action: 'user.password_reset', target: `user:${username}`, payload: { username, mustChangePassword: true, tokensRevoked, contentHash: await tx.accounts.contentHash(username) } });
    const { passwordHash: _h, ...pub } = existing;
    return { ...pub, mustChangePassword: true };
  });
}

/** Revokes one API token of a user (lost, leaked, no longer needed). */
export async function revokeToken(store: Store, by: string, name: string, tokenId: number): Promise<TokenRecord> {
  const username = name.trim().toLowerCase();
  return store.transaction(async (tx) => {
    const user = await tx.accounts.findUser(username);
    if (!user) throw new InputError(`there is no user named "${username}"`, { code: 'user_not_found' });
    const before = (await tx.accounts.listTokens(user.id)).find((t) => t.id === tokenId);
    if (!before) throw new InputError(`user "${username}" has no token ${tokenId}`, { code: 'token_not_found' });
    const rec = (await tx.accounts.revokeToken(user.id, tokenId, new Date().toISOString()))!;
    if (!before.revokedAt) {
      await tx.ledger.append({ actor: by, action: 'user.token_revoked', target: `user:${username}`, payload: { username, tokenId, label: rec.label, revokedAt: rec.revokedAt, contentHash: await tx.accounts.contentHash(username) } });
    }
    return rec;
  });
}
