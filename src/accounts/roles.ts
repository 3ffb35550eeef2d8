/**
 * The roles an account can have. Kept apart, with no imports, so `foedus --help` can list them
 * without loading the store (test/cli/lazy.test.ts).
 */
export const ROLES = ['secretariat', 'liaison', 'observer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
