import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type FoedusApp } from '../../src/server/app.ts';
import { openTestStore, type TestStore } from '../../src/store/testing.ts';
import { testCharters } from './helpers.ts';

/**
 * An unexpected failure: 500 `internal` naming the request id, never the
 * message or the stack, which go to the structured log under that id.
 */
describe('unexpected errors', () => {
  let ts: TestStore;
  let app: FoedusApp;
  let url: string;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    ts = await openTestStore('sqlite');
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    app = await buildApp({ store: ts.store, charters: testCharters(), logger: pino({ level: 'info' }, sink), webDir: null });
    // A route that fails the way a bug would (registered by the test, beside the real ones).
    app.get('/test-bug', async () => {
      throw new TypeError('secret detail: cannot read properties of undefined (reading "x")');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
    await ts?.cleanup();
  });

  it('answers 500 internal with the request id; the stack is only in the log', async () => {
    const res = await fetch(`${url}/test-bug`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string; details: { requestId: string } } };
    expect(body.error.code).toBe('internal');
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    expect(body.error.details.requestId).toBe(id);
    expect((body.error as { requestId?: string }).requestId).toBe(id);
    expect(body.error.message).toContain(id!);
    expect(JSON.stringify(body)).not.toMatch(/secret detail|TypeError|\.ts:\d+/);

    const logged = lines.find((l) => l.reqId === id && l.level === 50);
    expect(logged).toBeTruthy();
    expect(JSON.stringify(logged)).toMatch(/secret detail/);
    expect((logged!.err as { stack: string }).stack).toMatch(/TypeError/);
    // And the one access-log line of the request: id, route, status, time.
    const access = lines.find((l) => l.reqId === id && l.msg === 'request');
    expect(access).toMatchObject({ method: 'GET', route: '/test-bug', status: 500 });
    expect(typeof access!.ms).toBe('number');
  });

  it('names the request id in every error body, as in the x-request-id header', async () => {
    const answers = [
      await fetch(`${url}/nowhere`),
      await fetch(`${url}/api/v1/incidents`),
      await fetch(`${url}/readyz?x=1`, { method: 'POST' }),
      await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' }),
      await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"x"}' }),
      await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-request-id': 'trace-415' }, body: 'a,b' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 401, 404, 400, 400, 415]);
    for (const res of answers) {
      const body = (await res.json()) as { error: { code: string; requestId: string } };
      expect(body.error.code, res.url).toMatch(/^[a-z_]+$/);
      expect(body.error.requestId, `${res.status} ${body.error.code}`).toBe(res.headers.get('x-request-id'));
    }
    expect(answers[5]!.headers.get('x-request-id')).toBe('trace-415');
  });

  it('echoes a client-sent request id, and replaces one that is not a plain token', async () => {
    const res = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    const odd = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'a b"<script>' + 'x'.repeat(200) } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
