import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { InputError } from '../errors.ts';
import { signingKey } from './checkpoint.ts';

/**
 * Where the checkpoint key comes from: the environment, never the store (whoever can write the
 * database must not be able to sign). The one place the ledger module reads outside itself; the
 * server and the CLI both call it.
 */

/** The signing key, PEM (a deployment's secret store puts it here) … */
export const KEY_ENV = 'FOEDUS_CHECKPOINT_KEY';
/** … or the path of a file holding it (made by `foedus ledger keygen`). */
export const KEY_FILE_ENV = 'FOEDUS_CHECKPOINT_KEY_FILE';
/** The key configured, or null when none is; a configured key that cannot be read is an InputError. */
export function checkpointKeyFromEnv(env: NodeJS.ProcessEnv = process.env): KeyObject | null {
  const file = env[KEY_FILE_ENV];
  let pem = env[KEY_ENV];
  if (!pem && file) {
    try {
      pem = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InputError(`${KEY_FILE_ENV}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (!pem) return null;
  try {
    return signingKey(pem);
  } catch (err) {
    throw new InputError(`${file ? KEY_FILE_ENV : KEY_ENV}: ${(err as Error).message}`);
  }
}

