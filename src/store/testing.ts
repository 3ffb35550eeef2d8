import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Dialect, StoreConfig } from './database.ts';
import { openStore, type Store } from './store.ts';
import { queueSchema } from './queue.ts';

/**
 * Real databases for tests: a fresh SQLite file in a temp folder, or a fresh
 * schema in the local PostgreSQL (database `test`), dropped afterwards.
 * No mocks: the contract suites run the same tests on both.
 */

export const TEST_PG_URL = process.env.FOEDUS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

export interface TestStore {
  store: Store;
  config: StoreConfig;
  /** Closes the store and deletes its file or schema. */
  cleanup(): Promise<void>;
}

/** A config for an empty database of the given dialect, plus its cleanup (for tests that open the store themselves, e.g. in a child process). */
export async function createTestDatabase(dialect: Dialect): Promise<{ config: StoreConfig; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'foedus-test-'));
    return { config: { dialect: 'sqlite', path: join(dir, 'foedus.db') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  return {
    config: { dialect: 'postgres', url: TEST_PG_URL, schema, poolSize: 5 },
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.query(`drop schema if exists ${queueSchema(schema)} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function openTestStore(dialect: Dialect): Promise<TestStore> {
  const { config, drop } = await createTestDatabase(dialect);
  const store = await openStore(config);
  return {
    store,
    config,
    cleanup: async () => {
      await store.close().catch(() => {});
      await drop();
    },
  };
}
