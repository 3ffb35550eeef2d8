import type { RepositoryContext } from '../store.ts';

/** Facts about the store itself, one text value per key (e.g. the charter versions assessments were computed against). */
export interface MetaRepository {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, at: string): Promise<void>;
  /** Sets `key` unless it is set already (two processes racing: the first one's value stays); returns the value kept. */
  add(key: string, value: string, at: string): Promise<string>;
}

export function metaRepository(ctx: RepositoryContext): MetaRepository {
  const { db } = ctx;
  return {
    async get(key) {
      const r = await db.selectFrom('store_meta').select('value').where('key', '=', key).executeTakeFirst();
      return r ? String(r.value) : null;
    },
    async set(key, value, at) {
      await db
        .insertInto('store_meta')
        .values({ key, value, updated_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
        .execute();
    },
    async add(key, value, at) {
      await db.insertInto('store_meta').values({ key, value, updated_at: at }).onConflict((oc) => oc.column('key').doNothing()).execute();
      const r = await db.selectFrom('store_meta').select('value').where('key', '=', key).executeTakeFirstOrThrow();
      return String(r.value);
    },
  };
}
