import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { buildApp, type FoedusApp } from '../../src/server/app.ts';
import type { Dialect, StoreConfig } from '../../src/store/database.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { TEST_PG_URL } from '../../src/store/testing.ts';
import { PASSWORD, sampleIncident, testCharters } from '../server/helpers.ts';
import { foedus } from './run-foedus.ts';

/**
 * `foedus backup` and `foedus restore` as a user runs them, on both stores: a store with
 * incidents, users, a case with steps and notes and their ledger entries; the backup taken
 * while the server is up and writing incidents; the restore into a fresh store (a new SQLite
 * file; a new PostgreSQL database, the store in its public schema as `--db postgres://…` gives);
 * then the counts compared and `foedus ledger verify` run on the restored copy.
 */

const dir = mkdtempSync(join(tmpdir(), 'foedus-backup-'));
const databases: string[] = [];

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    for (const d of databases) await admin.query(`drop database if exists ${d} with (force)`);
  } finally {
    await admin.end();
  }
});

/** A fresh, empty store location: a new SQLite path, or a new PostgreSQL database (public schema). */
async function freshStore(dialect: Dialect): Promise<{ config: StoreConfig; db: string }> {
  if (dialect === 'sqlite') {
    const path = join(dir, `store-${randomBytes(4).toString('hex')}.db`);
    return { config: { dialect: 'sqlite', path }, db: path };
  }
  const name = `foedus_bk_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  databases.push(name);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return { config: { dialect: 'postgres', url: url.toString() }, db: url.toString() };
}

async function counts(store: Store) {
  const cases = await store.cases.list({ limit: 1000 });
  return {
    incidents: await store.incidents.count(),
    users: await store.accounts.countUsers(),
    cases: cases.map((c) => `${c.id}:${c.state}:${c.version}`),
    notes: (await Promise.all(cases.map((c) => store.cases.notes(c.id)))).flat().length,
    webhooks: (await store.webhooks.list()).length,
    ledger: (await store.ledger.head())?.seq ?? 0,
  };
}

describe.each<Dialect>(['sqlite', 'postgres'])('foedus backup / restore (%s)', (dialect) => {
  it('copies a live store consistently, and the restored copy has it all and verifies', async () => {
    const source = await freshStore(dialect);
    const store = await openStore(source.config);
    let app: FoedusApp | null = null;
    try {
      for (const [username, role, party] of [['duty-officer', 'secretariat', null], ['liaison-mli', 'liaison', 'MLI'], ['analyst', 'observer', null]] as const) {
        await addUser(store, 'test', { username, role, party, password: PASSWORD });
      }
      const sec = (await issueToken(store, 'test', 'duty-officer')).token;
      const mli = (await issueToken(store, 'test', 'liaison-mli')).token;
      app = await buildApp({ store, charters: testCharters(), logger: false, webDir: null, webhooks: false, assessments: false });
      const call = async (token: string, url: string, payload: unknown, status = 201) => {
        const r = await app!.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
        expect(r.statusCode, r.body).toBe(status);
        return r.json();
      };
      const ner = { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 };
      const inc = await call(sec, '/api/v1/incidents', { incident: ner });
      for (let i = 0; i < 20; i++) await call(sec, '/api/v1/incidents', { incident: sampleIncident({ fatalities: i + 1 }) });
      const opened = (await call(sec, '/api/v1/cases', { incidentId: inc.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'attack on Niger' })).case;
      await call(sec, `/api/v1/cases/${opened.id}/steps`, { version: opened.version, step: { type: 'start_consultation', reason: 'council convened' } }, 200);
      await call(mli, `/api/v1/cases/${opened.id}/notes`, { text: 'Only for Mali', restricted: true });
      await call(sec, `/api/v1/cases/${opened.id}/notes`, { text: 'Council at 10:00' });

      // The backup runs while the server keeps recording incidents.
      const before = await counts(store);
      const file = join(dir, `backup-${dialect}-${randomBytes(3).toString('hex')}`);
      const taking = foedus(['backup', file, '--db', source.db, '--json']);
      let writing = true;
      const writes = (async () => {
        let n = 0;
        while (writing && n < 200) await call(sec, '/api/v1/incidents', { incident: sampleIncident({ fatalities: 100 + n++ }) });
        return n;
      })();
      const took = await taking;
      writing = false;
      const written = await writes;
      expect(written, 'incidents recorded while the backup ran').toBeGreaterThan(0);
      expect(took.code, took.stderr).toBe(0);
      expect(JSON.parse(took.stdout)).toMatchObject({ ok: true, kind: dialect, file });
      const after = await counts(store);
      expect(after.incidents).toBe(before.incidents + written);

      // Restore into a fresh store; the copy holds a moment between before and after, whole.
      const target = await freshStore(dialect);
      const restored = await foedus(['restore', file, '--db', target.db]);
      expect(restored.code, restored.stderr).toBe(0);
      const verified = await foedus(['ledger', 'verify', '--db', target.db, '--json']);
      expect(verified.code, verified.stdout + verified.stderr).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
      const copy = await openStore(target.config);
      try {
        const got = await counts(copy);
        expect({ ...got, incidents: 0, ledger: 0 }).toEqual({ ...before, incidents: 0, ledger: 0 });
        expect(got.incidents).toBeGreaterThanOrEqual(before.incidents);
        expect(got.incidents).toBeLessThanOrEqual(after.incidents);
        // Each incident recorded is one ledger entry: the copy's records and ledger are of the same moment.
        expect(got.ledger - before.ledger).toBe(got.incidents - before.incidents);
        expect((await copy.accounts.findUser('liaison-mli'))?.party).toBe('MLI');
        expect((await copy.cases.get(opened.id))?.state).toBe('consultation');
      } finally {
        await copy.close();
      }

      // Neither ever overwrites: an existing backup file, a restored (non-empty) store.
      const again = await foedus(['backup', file, '--db', source.db]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exists/);
      const over = await foedus(['restore', file, '--db', target.db]);
      expect(over.code).toBe(2);
      expect(over.stderr).toMatch(/restore never overwrites/);
    } finally {
      await app?.close();
      await store.close();
    }
  }, 60_000);
});

describe('foedus backup / restore: bad input is exit 2 with one line', () => {
  it('a missing backup, a file that is not one, a backup for the other store, a missing store', async () => {
    const missing = await foedus(['restore', join(dir, 'nope.db'), '--db', join(dir, 'x.db')]);
    expect([missing.code, missing.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(missing.stderr).toMatch(/no backup file/);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a backup at all');
    const junk = await foedus(['restore', text, '--db', join(dir, 'y.db')]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/not a Foedus backup/);

    const sqlite = await freshStore('sqlite');
    const s = await openStore(sqlite.config);
    await s.close();
    const file = join(dir, 'small.db');
    expect((await foedus(['backup', file, '--db', sqlite.db])).code).toBe(0);
    const wrong = await foedus(['restore', file, '--db', `${TEST_PG_URL}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/SQLite backup/);

    const none = await foedus(['backup', join(dir, 'none.db'), '--db', join(dir, 'no-such-store.db')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no SQLite store/);
  });
});
