import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openAsBlob, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { IMPORT_ACTION, runImport } from '../../src/import/pipeline.ts';
import type { ImportSummary } from '../../src/import/types.ts';
import { openStore } from '../../src/store/store.ts';
import { openTestStore, TEST_PG_URL } from '../../src/store/testing.ts';
import { spawnServer } from './spawn-server.ts';

/**
 * Issue 19, scaling out: two server processes on one PostgreSQL share the import jobs. An import
 * uploaded to A, the process running it (A or B: the queue chooses) killed with SIGKILL mid-import,
 * is finished by the other: the job ends `done` with the counts an uninterrupted import of the same
 * file gives on a fresh store, every incident is there once, each batch is in the ledger once, the
 * upload is gone, and `foedus ledger verify` passes. The same when the process is stopped with
 * SIGTERM (it hands its job back at once, without waiting for the heartbeat to be missed).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/foedus.js');
const PASSWORD = 'handoff test passphrase 9';
/** A beat every half second: a dead process's job is taken over after three (six beats), not a minute. */
const HEARTBEAT_SECONDS = '0.5';
const FILE_NAME = 'ged_sahel.csv';

interface Job { status: string; progress: { rows: number; imported: number; updated: number; unchanged: number; conflicts: number; rejected: number }; summary: Record<string, unknown> | null; error: unknown }

/** The shipped UCDP files (Mali, Burkina Faso, Niger), their rows repeated under new ids: about 12,600 rows, three batches. */
function bigUcdpFile(path: string): void {
  const files = readdirSync(join(ROOT, 'data/ucdp')).filter((f) => f.endsWith('.csv')).sort();
  let header = '';
  const rows: string[] = [];
  for (const f of files) {
    const [h, ...r] = readFileSync(join(ROOT, 'data/ucdp', f), 'utf8').trim().split('\n');
    header = h!;
    rows.push(...r);
  }
  const copies = Array.from({ length: 3 }, (_, k) => rows.map((r) => (k === 0 ? r : r.replace(/^(\d+)/, (id) => String(Number(id) + k * 10_000_000))))).flat();
  writeFileSync(path, [header, ...copies].join('\n') + '\n');
}

const counts = (s: Record<string, unknown>) => ({ rows: s.rows, imported: s.imported, updated: s.updated, unchanged: s.unchanged, conflicts: s.conflicts, rejected: s.rejected, batches: s.batches });

describe('an import handed over between two server processes on one PostgreSQL', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  const dir = mkdtempSync(join(tmpdir(), 'foedus-handoff-'));
  const file = join(dir, FILE_NAME);
  let alone: ImportSummary;
  let aloneIncidents: number;
  beforeAll(async () => {
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    bigUcdpFile(file);
    // The same file on a fresh store, in one uninterrupted run: what the handed-over job must end with.
    const fresh = await openTestStore('postgres');
    cleanups.push(() => fresh.cleanup());
    alone = await runImport({ source: file, fileName: FILE_NAME, format: 'ucdp', store: fresh.store, actor: 'test' });
    aloneIncidents = await fresh.store.incidents.count();
    expect(alone.batches).toBeGreaterThanOrEqual(3);
  }, 60_000);
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)('is completed by the other process after the one running it gets %s, with the counts of one uninterrupted import', { timeout: 120_000 }, async (signal) => {
    const uploads = join(dir, `uploads-${signal}`);
    mkdirSync(uploads);
    const name = `foedus_handoff_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const db = TEST_PG_URL.replace(/\/[^/]*$/, `/${name}`);
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    });

    const store = await openStore({ dialect: 'postgres', url: db });
    cleanups.push(() => store.close());
    await addUser(store, 'test', { username: 'duty', role: 'secretariat', password: PASSWORD });
    const token = (await issueToken(store, 'test', 'duty')).token;

    const serve = async (): Promise<{ child: ChildProcess; url: string }> => {
      const s = spawnServer(['--db', db], { FOEDUS_UPLOAD_DIR: uploads, FOEDUS_IMPORT_HEARTBEAT_SECONDS: HEARTBEAT_SECONDS });
      cleanups.push(() => { s.child.kill('SIGKILL'); });
      return { child: s.child, url: await s.ready };
    };
    const job = async (url: string, id: string): Promise<Job> => (await (await fetch(`${url}/api/v1/imports/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Job;
    const until = async (what: () => Promise<boolean>, ms: number, why: string): Promise<void> => {
      const end = Date.now() + ms;
      while (!(await what())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${why}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const t0 = Date.now();
    // Timings are printed, not asserted (no timed tests): FOEDUS_TEST_VERBOSE=1.
    const mark = (what: string) => { if (process.env.FOEDUS_TEST_VERBOSE) process.stdout.write(`${signal} ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}\n`); };

    // Two processes; the upload goes to A, and the shared queue gives the job to one of them.
    const servers = await Promise.all([serve(), serve()]);
    mark('A and B ready');
    const form = new FormData();
    form.append('format', 'ucdp');
    form.append('file', await openAsBlob(file, { type: 'text/csv' }), FILE_NAME);
    const started = await fetch(`${servers[0]!.url}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(started.status).toBe(202);
    const id = ((await started.json()) as { job: { id: string } }).job.id;
    await until(async () => (await job(servers[0]!.url, id)).progress.imported > 0, 30_000, 'a first batch committed');

    // The process running it (its pid is in the job's owner) stops mid-import; the other must finish it.
    const owner = (await store.jobs.get(id))!.owner!;
    const running = servers.find((s) => owner.split(':').includes(String(s.child.pid)));
    expect(running, owner).toBeDefined();
    const other = servers.find((s) => s !== running)!;
    running!.child.kill(signal);
    const atStop = await job(other.url, id);
    mark(`${running === servers[0] ? 'A' : 'B'} (running the job) stopped at ${atStop.progress.rows} rows`);
    // It stopped mid-import: part of the file was in, part not.
    expect(atStop.progress.rows).toBeLessThan(alone.rows);

    await until(async () => !['queued', 'running'].includes((await job(other.url, id)).status), 60_000, 'the other process to finish the job');
    mark('done by the other process');
    const done = await job(other.url, id);
    expect(done.status, JSON.stringify(done.error)).toBe('done');
    expect((await store.jobs.get(id))!.attempts).toBe(2);
    expect(counts(done.summary!)).toEqual(counts(alone as unknown as Record<string, unknown>));
    expect(done.progress).toEqual({ rows: alone.rows, imported: alone.imported, updated: alone.updated, unchanged: alone.unchanged, conflicts: alone.conflicts, rejected: alone.rejected });

    // Every incident once, and each batch of the job in the ledger once.
    expect(await store.incidents.count()).toBe(aloneIncidents);
    const batches = (await store.ledger.list({ target: `import:${FILE_NAME}`, limit: 1000 }))
      .filter((e) => e.action === IMPORT_ACTION)
      .map((e) => (e.payload as { batch: number; job: string }))
      .filter((p) => p.job === id)
      .map((p) => p.batch);
    expect(batches).toEqual(Array.from({ length: alone.batches }, (_, k) => k + 1));
    // The upload is gone from the shared folder.
    expect(readdirSync(uploads)).toEqual([]);

    other.child.kill('SIGKILL');
    const verify = spawnSync(process.execPath, [BIN, 'ledger', 'verify', '--db', db], { encoding: 'utf8', env: { ...process.env, FOEDUS_FROM_SOURCE: '1' } });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    mark('ledger verified');
  });
});
