import { TOKEN_DEFAULT_DAYS } from '../store/migrations/005_token_expiry.ts';

/**
 * How long a token lives unless its issuer says otherwise, and the longest it may.
 * A module of its own so the CLI can name the figures in --help without loading the
 * account code (password hashing, strength rules); ./accounts.ts re-exports it.
 */
export const TOKEN_DAYS = { default: TOKEN_DEFAULT_DAYS, max: 366 } as const;
