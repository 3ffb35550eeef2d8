import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';

/**
 * The secrets of accounts: argon2id password hashes, random session ids and API
 * tokens (256 bits, kept only as SHA-256 hashes), and the CSRF token bound to a session.
 */

/** argon2id (Algorithm.Argon2id = 2; the enum is ambient const, so its value is spelled out). */
const ARGON2ID = 2 as Algorithm;
/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1024;

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2_OPTIONS);
}

/** False (never a throw) for a wrong password or a hash that is not a valid argon2 string. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a password nobody knows: verified against when the username is unknown, so both cases take as long. */
let dummyHash: Promise<string> | null = null;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummyHash;
}

/** A random password for one-time use (bootstrap admin, `users add` without --password-stdin): 128 bits. */
export function randomPassword(): string {
  return randomBytes(16).toString('base64url');
}

/** One-shot `crypto.hash` (Node ≥ 20.12): a bearer token is hashed on every request, and a Hash object per call cost twice as much. */
export function sha256Hex(s: string): string {
  return hash('sha256', s, 'hex');
}

/** A new session id: 256 random bits, base64url. Only its SHA-256 is stored. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export const TOKEN_PREFIX = 'fdt_';
/** A new bearer API token: `fdt_` + 256 random bits, base64url. Only its SHA-256 is stored. */
export function newApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The CSRF token of a session: derived from the session id (which only the browser's
 * http-only cookie and the server see), so it needs no storage, and a page on another
 * site can neither read it nor compute it. Sent back in the `x-csrf-token` header.
 */
export function csrfTokenFor(sessionId: string): string {
  return hash('sha256', `foedus-csrf\0${sessionId}`, 'base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
