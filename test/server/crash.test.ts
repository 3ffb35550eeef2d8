import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { openStore } from '../../src/store/store.ts';
import { TEST_PG_URL } from '../../src/store/testing.ts';
import type { Dialect } from '../../src/store/database.ts';
import { spawnServer } from './spawn-server.ts';

/**
 * Issue 18, faults: a server killed with SIGKILL while duty officers edit an incident, liaisons
 * write case notes and a case moves through its steps, then started again on the same store.
 * Every write that was answered 2xx is there; nothing is half-applied (each stored version of the
 * incident and of the case has its ledger entry, and no entry names a version that is not stored);
 * `foedus ledger verify` passes.
 */

const BIN = fileURLToPath(new URL('../../bin/foedus.js', import.meta.url));
const PASSWORD = 'crash-test passphrase 7';

async function serve(db: string): Promise<{ child: ChildProcess; url: string }> {
  const s = spawnServer(['--db', db]);
  return { child: s.child, url: await s.ready };
}

async function prepare(db: string): Promise<Record<'sec' | 'ner' | 'bfa', string>> {
  const store = await openStore(db.startsWith('postgres') ? { dialect: 'postgres', url: db } : { dialect: 'sqlite', path: db });
  try {
    const tokens = {} as Record<'sec' | 'ner' | 'bfa', string>;
    for (const [k, username, role, party] of [['sec', 'duty', 'secretariat', null], ['ner', 'ner', 'liaison', 'NER'], ['bfa', 'bfa', 'liaison', 'BFA']] as const) {
      await addUser(store, 'test', { username, role, party, password: PASSWORD });
      tokens[k] = (await issueToken(store, 'test', username)).token;
    }
    return tokens;
  } finally {
    await store.close();
  }
}

describe.each<Dialect>(['sqlite', 'postgres'])('SIGKILL during edits and case steps (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('keeps every answered write and half-applies none', { timeout: 120_000 }, async () => {
    let db: string;
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'foedus-crash-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      db = join(dir, 'f.db');
    } else {
      const name = `foedus_crash_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      db = TEST_PG_URL.replace(/\/[^/]*$/, `/${name}`);
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      });
    }
    const tokens = await prepare(db);
    let { child, url } = await serve(db);
    cleanups.push(() => { child.kill('SIGKILL'); });
    const call = async (who: keyof typeof tokens, method: string, path: string, body?: unknown) => {
      const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, body: (await r.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of many routes, read field by field
    };

    const inc = await call('sec', 'POST', '/api/v1/incidents', { incident: { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 } });
    expect(inc.status).toBe(201);
    const opened = await call('sec', 'POST', '/api/v1/cases', { incidentId: inc.body.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'crash test' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const caseId = opened.body.case.id;

    // What the server answered 2xx for, by chain.
    const acked = { incidentVersion: 1, notes: [] as string[], caseVersion: opened.body.case.version as number };
    let killed = false;
    const edits = (async () => {
      for (let i = 0; !killed; i++) {
        const r = await call('sec', 'PATCH', `/api/v1/incidents/${encodeURIComponent(inc.body.id)}`, { version: acked.incidentVersion, notes: `edit ${i}` }).catch(() => null);
        if (!r) return;
        if (r.status === 200) acked.incidentVersion = r.body.version;
      }
    })();
    const notes = Array.from({ length: 4 }, (_, lane) => (async () => {
      for (let i = 0; !killed; i++) {
        const text = `note ${lane}.${i}`;
        const r = await call(lane % 2 ? 'ner' : 'bfa', 'POST', `/api/v1/cases/${caseId}/notes`, { text }).catch(() => null);
        if (!r) return;
        if (r.status === 201 || r.status === 200) acked.notes.push(text);
      }
    })());
    const STEPS = [
      ['bfa', { type: 'acknowledge', party: 'BFA' }], ['sec', { type: 'acknowledge', party: 'MLI' }],
      ['sec', { type: 'start_consultation', reason: 'council' }], ['ner', { type: 'record_position', party: 'NER', value: 'support' }],
      ['bfa', { type: 'record_position', party: 'BFA', value: 'support' }],
    ] as const;
    const steps = (async () => {
      for (const [who, step] of STEPS) {
        if (killed) return;
        const r = await call(who, 'POST', `/api/v1/cases/${caseId}/steps`, { version: acked.caseVersion, step }).catch(() => null);
        if (!r) return;
        if (r.status === 200) acked.caseVersion = r.body.case.version;
      }
    })();
    // Kill while writes are in flight.
    await new Promise((r) => setTimeout(r, 1500));
    killed = true;
    child.kill('SIGKILL');
    await Promise.all([edits, ...notes, steps]);
    expect(acked.incidentVersion).toBeGreaterThan(3);
    expect(acked.notes.length).toBeGreaterThan(3);

    ({ child, url } = await serve(db));
    const now = (await call('sec', 'GET', `/api/v1/incidents/${encodeURIComponent(inc.body.id)}`)).body;
    // Answered edits are there; at most the one in flight went in besides.
    expect(now.version).toBeGreaterThanOrEqual(acked.incidentVersion);
    expect(now.version).toBeLessThanOrEqual(acked.incidentVersion + 1);
    const history = (await call('sec', 'GET', `/api/v1/incidents/${encodeURIComponent(inc.body.id)}/history`)).body.entries as Array<{ payload?: { version?: number } }>;
    expect(history.length).toBe(now.version);
    const storedNotes = ((await call('sec', 'GET', `/api/v1/cases/${caseId}/notes`)).body.notes as Array<{ text: string }>).map((n) => n.text);
    for (const t of acked.notes) expect(storedNotes).toContain(t);
    const c = (await call('sec', 'GET', `/api/v1/cases/${caseId}`)).body.case;
    expect(c.version).toBeGreaterThanOrEqual(acked.caseVersion);
    const caseEntries = (await call('sec', 'GET', `/api/v1/ledger?target=case:${caseId}&limit=1000`)).body.entries as Array<{ action: string; payload: { version: number } }>;
    const versions = caseEntries.filter((e) => e.action !== 'case.note').map((e) => e.payload.version);
    expect(versions).toEqual(Array.from({ length: c.version }, (_, k) => k + 1));
    child.kill('SIGKILL');
    const verify = spawnSync(process.execPath, [BIN, 'ledger', 'verify', '--db', db], { encoding: 'utf8', env: { ...process.env, FOEDUS_FROM_SOURCE: '1' } });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  });
});
