import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * The running server writes its answers at the end of the loop turn (src/server/send-at-turn-end.ts).
 * Observed from the Node server itself: an immediate queued when a request arrives runs before that
 * request's answer is ended. Written at once, the answer to GET /healthz would be ended in the
 * microtasks right after its handler, before any immediate.
 */
describe('answers written at the end of the loop turn', () => {
  let ts: TestServer;
  const marks: string[] = [];
  beforeAll(async () => {
    ts = await startTestServer('sqlite');
    // Runs after Fastify's own listener, in the same turn as the request's arrival.
    ts.app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.url !== '/healthz') return;
      setImmediate(() => marks.push('immediate queued on arrival'));
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
      res.end = ((...a: unknown[]) => {
        marks.push('answer ended');
        return end(...a);
      }) as typeof res.end;
    });
  });
  afterAll(async () => ts?.close());

  it('holds GET /healthz\'s answer until the turn\'s immediates run', async () => {
    const r = await ts.api('GET', '/healthz', { as: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
    expect(marks).toEqual(['immediate queued on arrival', 'answer ended']);
  });
});
