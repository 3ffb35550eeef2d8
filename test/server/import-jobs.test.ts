import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { buildApp } from '../../src/server/app.ts';
import { IMPORT_QUEUE } from '../../src/server/jobs.ts';
import { openStore } from '../../src/store/store.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { startTestServer, testCharters } from './helpers.ts';
import { spawnServer } from './spawn-server.ts';

/**
 * Issues 18 and 19: import jobs are kept in the store. A job is read after a restart and from
 * another server on the store; one whose server died reads `interrupted`, and its upload is gone.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe.each(DIALECTS)('durable import jobs (%s)', (dialect) => {
  it('marks a job whose server died as interrupted and deletes its upload; a finished job is read by another server', async () => {
    const s = await startTestServer(dialect);
    try {
      // A job left running by a server that is gone: its heartbeat is ten minutes old, its upload still on disk.
      const upload = mkdtempSync(join(tmpdir(), 'foedus-upload-'));
      writeFileSync(join(upload, 'ged.csv'), 'id\n1\n');
      const then = new Date(Date.now() - 600_000).toISOString();
      const job = { id: 'job-of-a-dead-server', status: 'running', file: 'ged.csv', format: 'ucdp', actor: 'user:duty', createdAt: then, startedAt: then, finishedAt: null, progress: { rows: 2000, imported: 2000, updated: 0, unchanged: 0, conflicts: 0, rejected: 0 }, summary: null, error: null };
      await s.store.jobs.save({ id: job.id, status: 'running', document: JSON.stringify(job), uploadDir: upload, createdAt: then, heartbeatAt: then });

      // Another server starts on the store: it sweeps.
      const other = await openStore(s.config);
      const app = await buildApp({ store: other, charters: testCharters(), logger: false, webDir: null });
      try {
        await app.ready();
        const r = await app.inject({ method: 'GET', url: `/api/v1/imports/${job.id}`, headers: { authorization: `Bearer ${s.tokens.observer}` } });
        expect(r.statusCode).toBe(200);
        expect(r.json()).toMatchObject({ status: 'interrupted', progress: { imported: 2000 }, error: { code: 'interrupted' } });
        expect(existsSync(upload)).toBe(false);

        // A job run on the first server is read, finished, from the second.
        const form = new FormData();
        form.append('format', 'ucdp');
        const csv = readFileSync(join(ROOT, 'data/ucdp', readdirSync(join(ROOT, 'data/ucdp')).find((f) => f.endsWith('.csv'))!), 'utf8').split('\n').slice(0, 30).join('\n');
        form.append('file', new Blob([csv], { type: 'text/csv' }), 'part.csv');
        const started = await s.api('POST', '/api/v1/imports', { body: form });
        expect(started.status).toBe(202);
        await s.app.foedus.jobs.idle();
        const seen = await app.inject({ method: 'GET', url: `/api/v1/imports/${started.body.job.id}`, headers: { authorization: `Bearer ${s.tokens.observer}` } });
        expect(seen.json()).toMatchObject({ status: 'done', progress: { rows: (await s.api('GET', `/api/v1/imports/${started.body.job.id}`)).body.progress.rows } });
      } finally {
        await app.close();
        await other.close();
      }
    } finally {
      await s.close();
    }
  });
});

describe('an import job on PostgreSQL whose upload the taking process cannot see', () => {
  it('fails saying every process must share FOEDUS_UPLOAD_DIR', async () => {
    const s = await startTestServer('postgres');
    try {
      // A job queued by a process whose upload folder this one does not share.
      const now = new Date().toISOString();
      const job = { id: 'job-elsewhere', status: 'queued', file: 'ged.csv', format: 'ucdp', actor: 'user:duty', createdAt: now, startedAt: null, finishedAt: null, progress: { rows: 0, imported: 0, updated: 0, unchanged: 0, conflicts: 0, rejected: 0 }, summary: null, error: null };
      await s.store.jobs.save({ id: job.id, status: 'queued', document: JSON.stringify(job), uploadDir: join(tmpdir(), 'foedus-upload-on-another-machine'), createdAt: now, heartbeatAt: now });
      const queue = s.store.queue<{ id: string }>(IMPORT_QUEUE, () => {})!;
      await queue.start();
      await s.store.jobs.setQueueJob(job.id, await queue.send({ id: job.id }));
      await queue.stop();
      let seen: { status: string; error: { code: string; message: string } | null } = { status: 'queued', error: null };
      for (let i = 0; i < 100 && ['queued', 'running'].includes(seen.status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        seen = (await s.api('GET', `/api/v1/imports/${job.id}`)).body;
      }
      expect(seen).toMatchObject({ status: 'failed', error: { code: 'upload_missing', message: expect.stringMatching(/FOEDUS_UPLOAD_DIR/) } });
    } finally {
      await s.close();
    }
  });
});

describe('a server killed during an import (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'foedus-killed-'));
  const db = join(dir, 'f.db');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(): Promise<string> {
    const s = spawnServer(['--db', db], { TMPDIR: dir });
    children.push(s.child);
    return s.ready;
  }

  it('reads interrupted after the restart, and leaves no upload behind', { timeout: 120_000 }, async () => {
    const store = await openStore({ dialect: 'sqlite', path: db });
    await addUser(store, 'test', { username: 'duty', role: 'secretariat', password: 'killed import passphrase' });
    const token = (await issueToken(store, 'test', 'duty')).token;
    await store.close();
    const url = await serve();
    // A large file (the shipped UCDP rows repeated under new ids), so the kill lands mid-import.
    const file = readdirSync(join(ROOT, 'data/ucdp')).find((f) => f.endsWith('.csv'))!;
    const [header, ...rows] = readFileSync(join(ROOT, 'data/ucdp', file), 'utf8').trim().split('\n');
    const big = [header, ...Array.from({ length: 20 }, (_, k) => rows.map((r) => r.replace(/^(\d+)/, (id) => String(Number(id) + (k + 1) * 10_000_000)))).flat()].join('\n');
    const form = new FormData();
    form.append('format', 'ucdp');
    form.append('file', new Blob([big], { type: 'text/csv' }), 'big.csv');
    const started = await fetch(`${url}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(started.status).toBe(202);
    const { job } = (await started.json()) as { job: { id: string } };
    await new Promise((r) => setTimeout(r, 300));
    children.at(-1)!.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));

    const url2 = await serve();
    const after = (await (await fetch(`${url2}/api/v1/imports/${job.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string; error: { code: string } | null };
    expect(['interrupted', 'done']).toContain(after.status);
    if (after.status === 'interrupted') expect(after.error?.code).toBe('interrupted');
    // No upload left in the server's temporary directory.
    expect(readdirSync(dir).filter((f) => f.startsWith('foedus-upload-'))).toEqual([]);
  });
});
