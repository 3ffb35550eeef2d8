import http from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sampleIncident, startTestServer } from './helpers.ts';

/** Graceful shutdown: in-flight requests finish, live streams end cleanly, new connections are refused. */
describe('graceful shutdown', () => {
  it('finishes a request in flight, ends the live feed with a shutdown event, then refuses connections', async () => {
    const s = await startTestServer('sqlite');
    let closed = false;
    try {
      const feed = await fetch(`${s.url}/api/v1/events`, { headers: { authorization: `Bearer ${s.tokens.observer}` } });
      const reader = feed.body!.getReader();
      const dec = new TextDecoder();
      let events = '';
      while (!events.includes(': connected')) events += dec.decode((await reader.read()).value, { stream: true });

      // A request whose headers and half its body have arrived when the shutdown starts.
      const body = JSON.stringify({ incident: sampleIncident() });
      const { port } = new URL(s.url);
      const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: Number(port), method: 'POST', path: '/api/v1/assess', headers: { authorization: `Bearer ${s.tokens.observer}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        // Once the server has taken the request (headers in, body half sent), start closing, then send the rest.
        s.app.server.once('request', () => {
          void s.app.close().then(() => (closed = true));
          setImmediate(() => req.end(body.slice(20)));
        });
        req.write(body.slice(0, 20));
      });

      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).triggered).toBeDefined();

      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        events += dec.decode(value, { stream: true });
      }
      expect(events).toContain('event: shutdown');

      while (!closed) await new Promise((r) => setImmediate(r));
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    } finally {
      if (!closed) await s.app.close();
      await s.close().catch(() => {});
    }
  });

  it('answers a request that arrives while it drains with 503 shutdown in the one error shape', async () => {
    const s = await startTestServer('sqlite');
    let closing: Promise<void> | null = null;
    try {
      const { port } = new URL(s.url);
      const body = JSON.stringify({ incident: sampleIncident() });
      const auth = `Authorization: Bearer ${s.tokens.observer}\r\n`;
      // One connection: a request half sent when the shutdown starts, then a second one behind it.
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST /api/v1/assess HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 20)}`);
        });
        s.app.server.once('request', () => {
          closing = s.app.close();
          setImmediate(() => socket.write(`${body.slice(20)}GET /api/v1/charters HTTP/1.1\r\nHost: x\r\n${auth}\r\n`));
        });
        let out = '';
        socket.on('data', (d) => { out += d.toString('utf8'); });
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
      });
      const second = answer.slice(answer.indexOf('HTTP/1.1', 1));
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(second).toMatch(/^HTTP\/1\.1 503 /);
      expect(second).toMatch(/\r\nretry-after: \d+\r\n/i);
      const error = (JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4)) as { error: { code: string; requestId: string } }).error;
      expect(error.code).toBe('shutdown');
      expect(second).toContain(`x-request-id: ${error.requestId}\r\n`);
    } finally {
      await (closing ?? s.app.close());
      await s.close().catch(() => {});
    }
  });
});
