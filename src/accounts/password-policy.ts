import { dictionary } from '@zxcvbn-ts/language-common';
import { InputError } from '../errors.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './secrets.ts';

/**
 * What a new password must be, after OWASP ASVS v5 §6.2 (password security): long
 * enough counted in code points (an emoji or "é" is one character to its owner, not two
 * UTF-16 units), no composition rules, and not a password an attacker tries first —
 * one on a common-password list or the account's own name. The list is zxcvbn-ts's
 * common passwords (49,000 entries from public breach corpora, maintained with it).
 */

const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** How a password is compared with the list and the username: case and Unicode width folded. */
function folded(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

export function checkPassword(password: string, username?: string): string {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new InputError(`the password is too short: use at least ${PASSWORD_MIN_LENGTH} characters`, { code: 'weak_password' });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new InputError(`the password is too long: at most ${PASSWORD_MAX_LENGTH} characters`, { code: 'invalid_password' });
  }
  if (password.trim() === '') {
    throw new InputError('the password is only spaces: choose words or characters someone cannot guess', { code: 'weak_password' });
  }
  const f = folded(password);
  if (COMMON.has(f) || COMMON.has(f.trim())) {
    throw new InputError('this password is on a list of common passwords that attackers try first: choose another', { code: 'common_password' });
  }
  // A name of 4 or more characters inside the password gives it away; shorter ones are checked whole.
  const name = username ? folded(username) : '';
  if (name && (f === name || (name.length >= 4 && f.includes(name)))) {
    throw new InputError('the password must not contain the username', { code: 'password_has_username' });
  }
  return password;
}
