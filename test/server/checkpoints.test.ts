import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { entryHash } from '../../src/ledger/chain.ts';
import { checkCheckpoint, newKeyPair } from '../../src/ledger/checkpoint.ts';
import { closeDatabase, openDatabase } from '../../src/store/database.ts';
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

  it('refuses to sign a ledger rewritten since its last checkpoint (409 ledger_rewritten), for every role', async () => {
    const kept = (await s.api('GET', '/api/v1/ledger/checkpoint', { as: 'liaisonMli' })).body;
    expect(kept.size).toBeGreaterThan(0);
    // An intruder rewrites the signed entry with the project's own hash function, and the head with it.
    const entry = (await s.store.ledger.list({ after: kept.size - 1, limit: 1 }))[0]!;
    const forged = { ...entry, actor: 'user:forger' };
    const hash = entryHash(forged);
    const d = openDatabase(s.config);
    try {
      await sql`delete from ledger_entry where seq > ${kept.size}`.execute(d.db);
      await sql`update ledger_entry set actor = ${forged.actor}, hash = ${hash} where seq = ${kept.size}`.execute(d.db);
      await sql`update ledger_head set seq = ${kept.size}, hash = ${hash}`.execute(d.db);
    } finally {
      await closeDatabase(d);
    }
    expect((await s.store.ledger.verify()).ok).toBe(true); // the chain alone cannot tell
    for (const who of ['liaisonNer', 'secretariat'] as const) {
      const r = await s.api('GET', '/api/v1/ledger/checkpoint', { as: who });
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'ledger_rewritten', message: expect.stringMatching(new RegExp(`checkpoint already signed at entry ${kept.size}`)) });
    }
    expect((await s.api('GET', '/api/v1/ledger/checkpoints', { as: 'observer' })).body.checkpoints[0].signature).toBe(kept.signature);
    const check = await s.api('POST', '/api/v1/ledger/checkpoints/check', { as: 'liaisonMli', json: { checkpoint: kept } });
    expect(check.body).toMatchObject({ ok: false, reason: expect.stringMatching(/no longer holds/) });
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
    expect(broken.stdout).toMatch(/Checkpoint NOT held: the ledger no longer holds what the checkpoint .* signed/);
    expect(broken.stdout).toMatch(/BROKEN/);
    // Nor will it sign the altered ledger: exit 1, the code of a broken ledger, and nothing signed.
    const resign = run(['ledger', 'checkpoint', '--db', db], { FOEDUS_CHECKPOINT_KEY_FILE: key });
    expect(resign.status).toBe(1);
    expect(resign.stderr).toMatch(/no longer extends the checkpoint already signed at entry 1/);
    expect(resign.stdout).toBe('');
    // A checkpoint of another store is not bad input but a ledger that does not hold it (exit 1), saying which ledger.
    const otherDb = join(dir, 'other.db');
    expect(run(['users', 'add', 'moussa', '--role', 'observer', '--db', otherDb]).status).toBe(0);
    const foreign = run(['ledger', 'verify', '--db', otherDb, '--since', ck, '--json']);
    expect(foreign.status).toBe(1);
    expect(JSON.parse(foreign.stdout)).toMatchObject({ since: { ok: false, reason: expect.stringMatching(/another ledger/) } });
    writeFileSync(join(dir, 'junk.json'), '{"format":"x"}');
    const junk = run(['ledger', 'verify', '--db', db, '--since', join(dir, 'junk.json')]);
    expect(junk.status).toBe(2);
    expect(junk.stderr).toMatch(/not a Foedus ledger checkpoint/);
    expect(run(['ledger', 'checkpoint', '--db', db]).status).toBe(2); // no key configured
  }, 120_000); // a dozen `foedus` processes, each loading the sources
});
