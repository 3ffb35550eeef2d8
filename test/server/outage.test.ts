import net from 'node:net';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type FoedusApp } from '../../src/server/app.ts';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createTestDatabase, TEST_PG_URL } from '../../src/store/testing.ts';
import { PASSWORD, sampleIncident, startTestServer, testCharters } from './helpers.ts';

/**
 * A store that goes away must give 503 (with Retry-After), never a crash or a
 * 500, and the server must recover by itself when the database is back.
 * PostgreSQL is reached through a TCP relay in this process, so the test can
 * cut the connection (relay closed: nothing listens on the port) and find
 * exactly this server's backends to terminate, without touching other suites.
 */

class Relay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  /** Local ports of the relay's connections to PostgreSQL (pg_stat_activity.client_port). */
  readonly upstreamPorts = new Set<number>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async open(port = 0): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      upstream.on('connect', () => upstream.localPort && this.upstreamPorts.add(upstream.localPort));
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** Stops listening and cuts every open connection: like a database that went down. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface Running {
  app: FoedusApp;
  store: Store;
  url: string;
  token: string;
}

async function serve(store: Store): Promise<Running> {
  await addUser(store, 'test', { username: 'duty-officer', role: 'secretariat', password: PASSWORD });
  const token = (await issueToken(store, 'test', 'duty-officer')).token;
  const app = await buildApp({ store, charters: testCharters(), logger: false, webDir: null });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, store, url: `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`, token };
}

async function call(r: Running, method: string, path: string, json?: unknown) {
  const res = await fetch(r.url + path, {
    method,
    headers: { authorization: `Bearer ${r.token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
    ...(json ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : null, text };
}

describe('PostgreSQL going away and coming back', () => {
  const target = new URL(TEST_PG_URL);
  const relay = new Relay({ host: target.hostname, port: Number(target.port || 5432) });
  let r: Running;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    await relay.open();
    const db = await createTestDatabase('postgres');
    drop = db.drop;
    if (db.config.dialect !== 'postgres') throw new Error('expected postgres');
    const url = new URL(db.config.url);
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    r = await serve(await openStore({ ...db.config, url: url.toString() }));
  });
  afterAll(async () => {
    await r?.app.close();
    await r?.store.close().catch(() => {});
    await relay.close();
    await drop?.();
  });

  it('answers 503 store_unavailable with Retry-After while nothing listens, then recovers by itself', async () => {
    expect((await call(r, 'GET', '/readyz')).status).toBe(200);
    expect((await call(r, 'GET', '/api/v1/incidents/count')).status).toBe(200);
    const port = relay.port;

    await relay.close();
    const ready = await call(r, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.retryAfter).toBe('5');
    for (const [method, path, body] of [
      ['GET', '/api/v1/incidents/count', undefined],
      ['GET', '/api/v1/incidents?bbox=-6,9,5,16', undefined],
      ['POST', '/api/v1/incidents', { incident: sampleIncident() }],
    ] as const) {
      const res = await call(r, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.body?.error?.code).toBe('store_unavailable');
      expect(res.retryAfter).toBe('5');
      expect(res.text).not.toMatch(/ECONNREFUSED|at .*\.(ts|js):\d+/);
    }
    // Routes that need no store keep answering.
    expect((await call(r, 'GET', '/healthz')).status).toBe(200);

    await relay.open(port);
    const statuses: number[] = [];
    // The pool dropped its dead connections; the next requests open new ones.
    for (let i = 0; i < 3 && statuses.at(-1) !== 200; i++) statuses.push((await call(r, 'GET', '/readyz')).status);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    const created = await call(r, 'POST', '/api/v1/incidents', { incident: sampleIncident() });
    expect(created.status).toBe(201);
    expect((await call(r, 'GET', '/api/v1/incidents/count')).body).toEqual({ count: 1 });
  });

  it('survives its backends being terminated (pg_terminate_backend): 503 at worst, then 200', async () => {
    // Busy the pool so several connections exist, then terminate every backend of this server.
    await Promise.all(Array.from({ length: 5 }, () => call(r, 'GET', '/api/v1/incidents/count')));
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    let terminated = 0;
    try {
      const res = await admin.query<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and client_port = any($1::int[])`,
        [[...relay.upstreamPorts]],
      );
      terminated = res.rows.filter((x) => x.ok).length;
    } finally {
      await admin.end();
    }
    expect(terminated).toBeGreaterThan(0);

    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(r, 'GET', '/api/v1/incidents/count')).status);
    expect(statuses.every((s) => s === 200 || s === 503), statuses.join(',')).toBe(true);
    expect(statuses.at(-1)).toBe(200);
    expect((await call(r, 'GET', '/readyz')).status).toBe(200);
  });
});

describe('SQLite locked by another writer for too long', () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers 503 when the write lock cannot be had, and writes again once it is released', async () => {
    const cfg = (s.store as unknown as { description: string }).description.replace(/^SQLite file /, '');
    const other = new SQLite(cfg);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    try {
      const res = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident() } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('store_unavailable');
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident() } })).status).toBe(201);
  });
});
