import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCheckpoint, newKeyPair } from '../../src/ledger/checkpoint.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { sampleIncident, startTestServer, type TestServer } from './helpers.ts';

/**
 * Signed checkpoints over HTTP (a liaison takes one and later asks whether the ledger still holds
 * it) and from the command line (keygen, checkpoint, verify --since with its exit codes).
 */

const PAIR = newKeyPair();

describe.each(DIALECTS)('ledger checkpoints over HTTP (%s)', (dialect) => {
  let s: TestServer;
  let bare: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect, { checkpointKey: createPrivateKey(PAIR.privateKey), checkpointIntervalMinutes: 0 });
    bare = await startTestServer(dialect, { checkpointKey: null });
  });
  afterAll(async () => {
    await s?.close();
    await bare?.close();
  });

  it('gives a liaison a signed checkpoint it can check later, after the ledger grew', async () => {
    const r = await s.api('GET', '/api/v1/ledger/checkpoint', { as: 'liaisonNer' });
    expect(r.status).toBe(200);
    expect(checkCheckpoint(r.body, PAIR.publicKey).ok).toBe(true);
    expect(r.body.size).toBe((await s.store.ledger.head())?.seq ?? 0);
    // The same head gives the same checkpoint (no new signature for nothing).
    expect((await s.api('GET', '/api/v1/ledger/checkpoint', { as: 'observer' })).body.signature).toBe(r.body.signature);
    expect((await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident() } })).status).toBe(201);
    const check = await s.api('POST', '/api/v1/ledger/checkpoints/check', { as: 'liaisonNer', json: { checkpoint: r.body, trustedKey: PAIR.publicKey } });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: true, checkpoint: { size: r.body.size }, ledger: { ok: true } });
    const forged = await s.api('POST', '/api/v1/ledger/checkpoints/check', { as: 'liaisonNer', json: { checkpoint: { ...r.body, hash: 'a'.repeat(64) } } });
    expect(forged.body).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
    const list = await s.api('GET', '/api/v1/ledger/checkpoints', { as: 'liaisonMli' });
    expect(list.body.checkpoints[0].signature).toBe(r.body.signature);
    expect((await s.api('GET', '/api/v1/ledger/public-key', { as: 'observer' })).body.publicKey).toBe(PAIR.publicKey);
    expect((await s.api('GET', '/api/v1/ledger/checkpoint', { as: null })).status).toBe(401);
  });

  it('says plainly when the server has no key', async () => {
    const r = await bare.api('GET', '/api/v1/ledger/checkpoint', { as: 'liaisonNer' });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'no_checkpoint_key', message: expect.stringMatching(/FOEDUS_CHECKPOINT_KEY_FILE/) });
  });
});

describe('ledger checkpoints from the command line (SQLite)', () => {
  const BIN = fileURLToPath(new URL('../../bin/foedus.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'foedus-ckpt-'));
  const db = join(dir, 'f.db');
  const key = join(dir, 'ledger.key');
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FOEDUS_FROM_SOURCE: '1', ...env } });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a key, signs a checkpoint, and checks it: 0 while the ledger only grew, 1 once rewritten, 2 for a bad file', () => {
    expect(run(['ledger', 'keygen', '--out', key]).status).toBe(0);
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    expect(run(['ledger', 'keygen', '--out', key]).status).toBe(2); // never overwritten
    expect(run(['users', 'add', 'amadou', '--role', 'secretariat', '--db', db]).status).toBe(0);
    const ck = join(dir, 'ck.json');
    const signed = run(['ledger', 'checkpoint', '--db', db, '--out', ck], { FOEDUS_CHECKPOINT_KEY_FILE: key });
    expect(signed.status, signed.stderr).toBe(0);
    expect(run(['users', 'add', 'awa', '--role', 'observer', '--db', db]).status).toBe(0);
    const ok = run(['ledger', 'verify', '--db', db, '--since', ck, '--key', `${key}.pub`]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/still holds the checkpoint .* only grew since/);
    // An intruder edits entry 1 (recomputing would not help: the checkpoint signed its chain).
    const raw = new Database(db);
    raw.prepare(`update ledger_entry set actor = 'user:x' where seq = 1`).run();
    raw.close();
    const broken = run(['ledger', 'verify', '--db', db, '--since', ck]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN/);
    writeFileSync(join(dir, 'junk.json'), '{"format":"x"}');
    const junk = run(['ledger', 'verify', '--db', db, '--since', join(dir, 'junk.json')]);
    expect(junk.status).toBe(2);
    expect(junk.stderr).toMatch(/not a Foedus ledger checkpoint/);
    expect(run(['ledger', 'checkpoint', '--db', db]).status).toBe(2); // no key configured
  });
});
