import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { buildApp, type FoedusApp } from '../../src/server/app.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { sampleIncident, testCharters } from './helpers.ts';

/**
 * Issue 18, faults: the SQLite store's volume fills up. A write is refused with 507 store_full and a
 * sentence that says what to do (not a 500), reads go on, nothing is corrupted (integrity_check and
 * the ledger hold), and writes work again once space is freed. The volume is a 4 MiB tmpfs, which
 * needs the right to mount: where that is refused, the test says so and is skipped.
 */

const dir = mkdtempSync(join(tmpdir(), 'foedus-full-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
  mounted = true;
} catch {
  process.stderr.write('disk-full.test: cannot mount a small tmpfs here (needs root); skipped\n');
}

describe.skipIf(!mounted)('a full disk under the SQLite store', () => {
  let store: Store;
  let app: FoedusApp;
  let token: string;
  beforeAll(async () => {
    store = await openStore({ dialect: 'sqlite', path: join(dir, 'f.db') });
    await addUser(store, 'test', { username: 'duty', role: 'secretariat', password: 'full disk passphrase 1' });
    token = (await issueToken(store, 'test', 'duty')).token;
    app = await buildApp({ store, charters: testCharters(), logger: false, webDir: null, assessments: false, webhooks: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    if (mounted) spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (notes: string) => app.inject({ method: 'POST', url: '/api/v1/incidents', headers: { authorization: `Bearer ${token}` }, payload: { incident: sampleIncident(), notes } });

  it('refuses writes with 507 store_full, keeps reading, corrupts nothing, and writes again once space is freed', async () => {
    // Fill most of the volume with a file, then write incidents until the store cannot grow.
    mkdirSync(join(dir, 'filler'));
    writeFileSync(join(dir, 'filler', 'f'), Buffer.alloc(2 * 1024 * 1024));
    let stored = 0;
    let refusal: { statusCode: number; json(): { error: { code: string; message: string } } } | null = null;
    for (let i = 0; i < 500 && !refusal; i++) {
      const r = await post(`report ${i} `.repeat(1500));
      if (r.statusCode === 201) stored++;
      else refusal = r;
    }
    expect(refusal, 'the volume never filled').not.toBeNull();
    expect(refusal!.statusCode).toBe(507);
    expect(refusal!.json().error).toMatchObject({ code: 'store_full', message: expect.stringMatching(/disk is full: nothing was written/) });
    expect(stored).toBeGreaterThan(0);
    const read = await app.inject({ method: 'GET', url: '/api/v1/incidents/count', headers: { authorization: `Bearer ${token}` } });
    expect(read.statusCode).toBe(200);
    expect(read.json().count).toBe(stored);

    rmSync(join(dir, 'filler'), { recursive: true });
    expect((await post('after the space was freed')).statusCode).toBe(201);
    expect((await store.ledger.verify()).ok).toBe(true);
    const raw = new SQLite(join(dir, 'f.db'), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
