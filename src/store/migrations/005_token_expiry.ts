import type { Kysely } from 'kysely';
import type { Migration } from './migration.ts';

/**
 * Version 4: API tokens expire. A token issued before this version had no end: it is
 * given the default lifetime from the day the store is upgraded (not from its issue
 * date, which would end working integrations without warning on upgrade day).
 */
export const TOKEN_DEFAULT_DAYS = 90;

export const tokenExpiry: Migration = {
  version: 5,
  name: 'api token expiry',
  up: async (db: Kysely<any>) => {
    await db.schema.alterTable('api_token').addColumn('expires_at', 'text').execute();
    const end = new Date(Date.now() + TOKEN_DEFAULT_DAYS * 86_400_000).toISOString();
    await db.updateTable('api_token').set({ expires_at: end }).where('expires_at', 'is', null).execute();
  },
};
