import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImportSummary } from '../../src/import/index.ts';
import { announceServer, serverUsing } from '../../src/store/sqlite-presence.ts';
import { openStore } from '../../src/store/store.ts';
import { syntheticRows, tempDir, writeUcdp } from './fixtures.ts';

/**
 * `foedus import` into a SQLite file a server is using must leave the write lock free often enough:
 * better-sqlite3 is synchronous, so a server write waiting for the lock holds the server's event loop
 * (every request) for as long as it waits. Here a second connection plays the server: it says it
 * serves the file, as `foedus serve` does, and writes every 50 ms with a busy_timeout while a real
 * `foedus import` child process runs; no write may wait 2 s. The import is asked for one batch of
 * everything, which without pacing would hold the lock from start to end (several seconds).
 */

const BIN = fileURLToPath(new URL('../../bin/foedus.js', import.meta.url));
const ROWS = 15_000;
const BOUND_MS = 2_000;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('foedus import beside a server on the same SQLite file', () => {
  it('a stale marker (its process gone) does not count as a server', () => {
    const db = join(tmp.dir, 'stale.db');
    const leave = announceServer(db);
    expect(serverUsing(db)).toBe(true);
    leave();
    expect(serverUsing(db)).toBe(false);
  });

  it(`holds the write lock for short transactions: a waiting writer waits under ${BOUND_MS} ms`, async () => {
    const db = join(tmp.dir, 'served.db');
    const csv = join(tmp.dir, 'many.csv');
    writeUcdp(csv, syntheticRows(ROWS, 11));
    await (await openStore({ dialect: 'sqlite', path: db })).close();

    const leave = announceServer(db);
    const server = new SQLite(db);
    server.pragma('journal_mode = WAL');
    server.pragma('busy_timeout = 20000');
    const write = server.prepare(`insert into store_meta (key, value, updated_at) values ('probe', ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`);
    try {
      const child = spawn(process.execPath, [BIN, 'import', csv, '--db', db, '--batch-size', '1000000', '--progress', 'json', '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FOEDUS_DATABASE_URL: '', FOEDUS_DB: '' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      let running = true;
      void exited.then(() => (running = false));

      // Writes while the import runs, each timed (the wait for the lock is nearly all of it).
      const waits: number[] = [];
      while (running) {
        const t = performance.now();
        write.run(String(waits.length), new Date().toISOString());
        waits.push(performance.now() - t);
        await sleep(50);
      }
      expect(await exited, stderr).toBe(0);
      const summary = JSON.parse(stdout) as ImportSummary;
      const what = `${waits.length} writes, the longest ${Math.max(...waits).toFixed(0)} ms; ${summary.batches} batches in ${summary.durationMs} ms`;
      expect(Math.max(...waits), what).toBeLessThan(BOUND_MS);
      expect(summary.imported).toBe(ROWS);
      // The writer really wrote while the import ran (which took several bounds), between many short batches.
      expect(summary.durationMs, what).toBeGreaterThan(2 * BOUND_MS);
      expect(waits.length, what).toBeGreaterThan(20);
      expect(summary.batches, what).toBeGreaterThan(5);
    } finally {
      server.close();
      leave();
    }
  }, 180_000);
});
