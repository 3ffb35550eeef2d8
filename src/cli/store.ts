// How a CLI command reaches the store: --db, else FOEDUS_DATABASE_URL / FOEDUS_DB, else ./foedus.db.
import { userInfo } from 'node:os';
import { resolveStoreConfig } from '../store/database.ts';
import { openStore, type Store } from '../store/store.ts';

/** Opens the store named by --db (or the environment), runs fn, and always closes it. */
export async function withStore<T>(db: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(resolveStoreConfig(db));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Who the ledger names for a change made from this command line. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}
