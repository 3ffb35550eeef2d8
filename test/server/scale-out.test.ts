import type { ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { openStore } from '../../src/store/store.ts';
import { TEST_PG_URL } from '../../src/store/testing.ts';
import { spawnServer } from './spawn-server.ts';
import { openStream, until, type SseEvent, type SseStream } from './sse.ts';

/**
 * Issue 19, scaling out: two real `foedus serve` processes, A and B, on one PostgreSQL database
 * share what must be shared. A session made on A works on B; a token revoked on A is refused by B
 * within a second; an incident created on A reaches a live-feed stream on B; the sign-in throttle
 * counts the failures made on both; a stream reconnecting to B with Last-Event-ID is sent what was
 * made on A while it was away. And `serve --workers 2` runs on PostgreSQL and refuses SQLite (exit 6).
 */

const PASSWORD = 'scale-out passphrase 7';
type Who = 'sec' | 'mli' | 'ner' | 'admin' | 'bot';
const USERS: Array<[Who, string, 'secretariat' | 'liaison' | 'admin', string | null]> = [
  ['sec', 'duty', 'secretariat', null], ['mli', 'mli', 'liaison', 'MLI'], ['ner', 'ner', 'liaison', 'NER'], ['admin', 'root', 'admin', null], ['bot', 'bot', 'secretariat', null],
];
const attack = { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 };


describe('two server processes on one PostgreSQL', () => {
  const name = `foedus_scale_${randomBytes(4).toString('hex')}`;
  const db = TEST_PG_URL.replace(/\/[^/]*$/, `/${name}`);
  const children: ChildProcess[] = [];
  const streams: SseStream[] = [];
  const tokens = {} as Record<Who, string>;
  let botTokenId = '';
  let A = '';
  let B = '';
  const call = async (base: string, method: string, path: string, o: { as?: Who; json?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.as) headers.authorization = `Bearer ${tokens[o.as]}`;
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + path, { method, headers, ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : {}) });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: (text ? JSON.parse(text) : null) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers of many routes, read field by field
  };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const store = await openStore({ dialect: 'postgres', url: db });
    try {
      for (const [who, username, role, party] of USERS) {
        await addUser(store, 'test', { username, role, party, password: PASSWORD });
        const t = await issueToken(store, 'test', username);
        tokens[who] = t.token;
        if (who === 'bot') botTokenId = String(t.record.id);
      }
    } finally {
      await store.close();
    }
    const a = spawnServer(['--db', db]);
    const b = spawnServer(['--db', db]);
    children.push(a.child, b.child);
    [A, B] = await Promise.all([a.ready, b.ready]);
  }, 60_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    for (const c of children) c.kill('SIGKILL');
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it('takes a session made on A on B, for reading and, with its CSRF token, for writing', async () => {
    const login = await fetch(`${A}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const me = await call(B, 'GET', '/api/v1/auth/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('duty');
    const write = await call(B, 'POST', '/api/v1/incidents', { headers: { cookie, 'x-csrf-token': csrfToken }, json: { incident: attack } });
    expect(write.status).toBe(201);
    // Signed out on B: the session is gone on A too.
    expect((await call(B, 'POST', '/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBe(200);
    expect((await call(A, 'GET', '/api/v1/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('refuses on B, within a second, a token revoked on A', async () => {
    expect((await call(B, 'GET', '/api/v1/incidents/count', { as: 'bot' })).status).toBe(200);
    const revoked = await call(A, 'POST', `/api/v1/users/bot/tokens/${botTokenId}/revoke`, { as: 'admin' });
    expect(revoked.status).toBe(200);
    const at = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - at < 1_000) status = (await call(B, 'GET', '/api/v1/incidents/count', { as: 'bot' })).status;
    expect(status).toBe(401);
    if (process.env.FOEDUS_TEST_VERBOSE) process.stdout.write(`token revoked on A → refused by B after ${Date.now() - at} ms\n`);
  });

  it('brings an incident created on A to a live-feed stream on B', async () => {
    const onB = await openStream(B, { token: tokens.sec });
    streams.push(onB);
    const sent = Date.now();
    const inc = await call(A, 'POST', '/api/v1/incidents', { as: 'sec', json: { incident: { ...attack, date: '2026-03-02' } } });
    expect(inc.status).toBe(201);
    await until(() => onB.events.some((e) => e.event === 'incident.created' && (e.data as { id: string }).id === inc.body.id), 5_000, 'the incident on B');
    if (process.env.FOEDUS_TEST_VERBOSE) process.stdout.write(`incident on A → stream on B: ${onB.events.at(-1)!.at - sent} ms\n`);
    onB.close();
  });

  it('counts sign-in failures made on A and on B together', async () => {
    // 5 failures are free, the 6th makes the account wait a second: 3 on each process.
    for (let i = 0; i < 6; i++) {
      const r = await call(i % 2 ? B : A, 'POST', '/api/v1/auth/login', { json: { username: 'mli', password: 'not the passphrase' } });
      expect(r.status).toBe(401);
    }
    // The right password now waits, on either process: each alone saw only 3 failures.
    for (const base of [A, B]) {
      const r = await call(base, 'POST', '/api/v1/auth/login', { json: { username: 'mli', password: PASSWORD } });
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('sends a stream reconnecting to B with Last-Event-ID everything made on A meanwhile, restricted notes still filtered', async () => {
    const reference = await openStream(A, { token: tokens.sec });
    const mli = await openStream(B, { token: tokens.mli });
    streams.push(reference, mli);
    const first = await call(A, 'POST', '/api/v1/incidents', { as: 'sec', json: { incident: { ...attack, date: '2026-03-03' } } });
    expect(first.status).toBe(201);
    await until(() => mli.events.some((e) => e.event === 'incident.created'), 5_000, 'the first incident on B');
    const last = mli.lastId()!;
    mli.close();
    await until(() => mli.ended);

    const opened = await call(A, 'POST', '/api/v1/cases', { as: 'sec', json: { incidentId: first.body.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'scale-out' } });
    expect(opened.status).toBe(201);
    const caseId = opened.body.case.id;
    expect((await call(A, 'POST', `/api/v1/cases/${caseId}/notes`, { as: 'ner', json: { text: 'Unit positions: secret', restricted: true } })).status).toBe(201);
    expect((await call(A, 'POST', `/api/v1/cases/${caseId}/notes`, { as: 'ner', json: { text: 'Thanks to our allies' } })).status).toBe(201);
    const later = await call(A, 'POST', '/api/v1/incidents', { as: 'sec', json: { incident: { ...attack, date: '2026-03-04' } } });
    expect(later.status).toBe(201);
    await until(() => reference.events.some((e) => e.event === 'incident.created' && (e.data as { id: string }).id === later.body.id), 5_000, 'the last incident on A');

    const back = await openStream(B, { token: tokens.mli }, last);
    streams.push(back);
    const restricted = (e: SseEvent) => e.event === 'case.note' && (e.data as { note: { restricted: boolean } }).note.restricted;
    // What was made meanwhile: up to the last incident (the assessment refresh may publish more afterwards, live).
    const end = reference.events.find((e) => e.event === 'incident.created' && (e.data as { id: string }).id === later.body.id)!.id!;
    const meanwhile = (events: SseEvent[]) => events.filter((e) => e.id! > last && e.id! <= end);
    const missed = meanwhile(reference.events);
    expect(missed.filter(restricted)).toHaveLength(1);
    const expected = missed.filter((e) => !restricted(e));
    expect(meanwhile(back.events).map((e) => [e.id, e.event, e.data])).toEqual(expected.map((e) => [e.id, e.event, e.data]));
    expect(back.events[0]!.id).toBe(expected[0]!.id);
    expect(back.events.map((e) => e.event)).toEqual(expect.arrayContaining(['case.changed', 'case.note', 'incident.created']));
  });
});

/** GET on a new connection each time (fetch would reuse one to a worker that was killed). */
function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('foedus serve --workers', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('runs two server processes on one PostgreSQL, replaces one that dies, and stops them all on SIGTERM', { timeout: 60_000 }, async () => {
    const name = `foedus_workers_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    cleanups.push(async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const s = spawnServer(['--db', TEST_PG_URL.replace(/\/[^/]*$/, `/${name}`), '--workers', '2']);
    const pids: number[] = [];
    // Whatever happens to the test, no process is left behind (a worker also stops when its primary is gone).
    cleanups.push(() => {
      for (const pid of [s.child.pid!, ...pids]) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    });
    const url = await s.ready;
    pids.push(...(/with 2 server processes \((\d+), (\d+)\)/.exec(s.stderr()) ?? []).slice(1).map(Number));
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(() => process.kill(pid, 0)).not.toThrow();
    for (let i = 0; i < 4; i++) expect(await status(`${url}/readyz`)).toBe(200);
    // One dies: the other answers at once, and the primary starts another.
    process.kill(pids[0]!, 'SIGKILL');
    for (let i = 0; i < 4; i++) expect(await status(`${url}/healthz`)).toBe(200);
    await until(() => /server process \d+ ended \(SIGKILL\); starting another/.test(s.stderr()), 5_000, 'the primary to notice');
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    await until(() => pids.every((pid) => { try { process.kill(pid, 0); return false; } catch { return true; } }), 5_000, 'the workers to stop');
  });

  it('refuses SQLite with exit code 6 and one line, creating nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'foedus-workers-'));
    try {
      const file = join(dir, 'f.db');
      const s = spawnServer(['--db', file, '--workers', '2']);
      expect(await s.exit).toBe(6);
      expect(s.stderr()).toBe('foedus: --workers 2 needs PostgreSQL (--db postgres://… or FOEDUS_DATABASE_URL): a SQLite store is served by one process\n');
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
