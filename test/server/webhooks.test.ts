import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { buildApp, type FoedusApp } from '../../src/server/app.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createTestDatabase, DIALECTS } from '../../src/store/testing.ts';
import type { StoreConfig } from '../../src/store/database.ts';
import { verifySignature } from '../../src/webhooks/signature.ts';
import type { WebhookEvent } from '../../src/webhooks/events.ts';
import { startTestServer, testCharters, type TestServer } from './helpers.ts';
import { expectFits } from './fits.ts';
import { CreatedWebhook, DeliveryList } from '../../src/server/routes/webhooks.ts';

/**
 * Webhooks against a real local receiver, on both stores: signed deliveries, retries
 * with backoff from the durable outbox, a restart in the middle of the retries, giving
 * up, and the admin-only API.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers each request with the next status of `answers` (then 200). */
async function receiver(): Promise<{ url: string; got: Received[]; answers: number[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, got, answers, close: () => new Promise((r) => server.close(() => r())) };
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const FAST = { pollMs: 30, timeoutMs: 2000, leaseMs: 3000, backoff: { baseMs: 150, maxMs: 1000, maxAttempts: 3 } };

function caseEvent(): WebhookEvent {
  return { id: randomUUID(), type: 'case.opened', at: new Date().toISOString(), data: { case: 'c1', charter: 'aes-2023', article: '6', beneficiary: 'NER' } };
}

describe.each(DIALECTS)('webhooks (%s)', (dialect) => {
  let srv: TestServer;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    srv = await startTestServer(dialect, { webhooks: FAST });
    rx = await receiver();
  });
  afterAll(async () => {
    await srv?.close();
    await rx?.close();
  });
  afterEach(() => {
    rx.got.length = 0;
    rx.answers.length = 0;
  });

  it('only an admin adds, lists, disables and tests webhooks; a bad URL or event is a 400', async () => {
    for (const who of ['secretariat', 'liaisonMli', 'observer'] as const) {
      const r = await srv.api('POST', '/api/v1/webhooks', { as: who, json: { url: rx.url, events: ['*'] } });
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(/may not create webhooks/);
      expect((await srv.api('GET', '/api/v1/webhooks', { as: who })).status).toBe(403);
    }
    expect((await srv.api('POST', '/api/v1/webhooks', { as: null, json: { url: rx.url, events: ['*'] } })).status).toBe(401);
    expect((await srv.api('POST', '/api/v1/webhooks', { as: 'admin', json: { url: 'ftp://x/y', events: ['*'] } })).status).toBe(400);
    expect((await srv.api('POST', '/api/v1/webhooks', { as: 'admin', json: { url: 'https://u:p@x/y', events: ['*'] } })).status).toBe(400);
    expect((await srv.api('POST', '/api/v1/webhooks', { as: 'admin', json: { url: rx.url, events: ['case.nothing'] } })).status).toBe(400);
  });

  it('delivers a case event signed with the secret, with its event and delivery headers', async () => {
    const created = await srv.api('POST', '/api/v1/webhooks', { as: 'admin', json: { url: rx.url, events: ['case.opened'] } });
    expect(created.status).toBe(201);
    expectFits(CreatedWebhook, created.body);
    const { secret, webhook } = created.body;
    const event = caseEvent();
    // Enqueued in the same transaction as the change it announces (the ledger entry here stands for the case step).
    await srv.store.transaction(async (tx) => {
      await tx.ledger.append({ actor: 'test', action: 'case.opened', target: 'case:c1', payload: event.data });
      expect(await tx.webhooks.enqueue(event, event.at)).toBeGreaterThanOrEqual(1);
    });
    await until('the delivery', () => rx.got.some((g) => g.body.includes(event.id)));
    const got = rx.got.find((g) => g.body.includes(event.id))!;
    expect(JSON.parse(got.body)).toEqual(event);
    expect(got.headers['foedus-event']).toBe('case.opened');
    expect(got.headers['content-type']).toBe('application/json');
    expect(verifySignature(secret, got.body, got.headers['foedus-signature'] as string, Math.floor(Date.now() / 1000))).toEqual({ ok: true });
    expect(verifySignature('whsec_wrong', got.body, got.headers['foedus-signature'] as string, Math.floor(Date.now() / 1000)).ok).toBe(false);

    // A ping goes only to the webhook tested, and an event it did not subscribe to not at all.
    await srv.store.transaction((tx) => tx.webhooks.enqueue({ ...caseEvent(), type: 'case.note' }, new Date().toISOString()));
    const ping = await srv.api('POST', `/api/v1/webhooks/${webhook.id}/test`, { as: 'admin' });
    expect(ping.status).toBe(202);
    await until('the ping', () => rx.got.some((g) => g.headers['foedus-event'] === 'ping'));
    const log = await srv.api('GET', `/api/v1/webhooks/${webhook.id}/deliveries`, { as: 'admin' });
    expectFits(DeliveryList, log.body);
    await until('the log to say delivered', async () => {
      const l = await srv.api('GET', `/api/v1/webhooks/${webhook.id}/deliveries`, { as: 'admin' });
      return l.body.deliveries.every((d: { status: string }) => d.status === 'delivered');
    });
    const final = (await srv.api('GET', `/api/v1/webhooks/${webhook.id}/deliveries`, { as: 'admin' })).body.deliveries;
    expect(final.map((d: { eventType: string }) => d.eventType).sort()).toEqual(['case.opened', 'ping']);
    expect(final.every((d: { lastStatus: number; attempts: number }) => d.lastStatus === 200 && d.attempts === 1)).toBe(true);

    // Disabled: nothing more is queued for it, and a test is refused.
    expect((await srv.api('POST', `/api/v1/webhooks/${webhook.id}/disable`, { as: 'admin' })).body.webhook.disabledAt).not.toBeNull();
    expect((await srv.api('POST', `/api/v1/webhooks/${webhook.id}/test`, { as: 'admin' })).status).toBe(409);
    const before = (await srv.store.webhooks.deliveries(webhook.id, 100)).length;
    await srv.store.transaction((tx) => tx.webhooks.enqueue(caseEvent(), new Date().toISOString()));
    expect((await srv.store.webhooks.deliveries(webhook.id, 100)).length).toBe(before);
    // Both changes are in the ledger (without the secret), and the chain holds.
    const entries = await srv.store.ledger.list({ target: `webhook:${webhook.id}`, limit: 10 });
    expect(entries.map((e) => e.action)).toEqual(['webhook.created', 'webhook.disabled']);
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect((await srv.store.ledger.verify()).ok).toBe(true);
  });

  it('retries a failed delivery with backoff until the receiver takes it, then gives up after the last attempt', async () => {
    const { webhook } = (await srv.api('POST', '/api/v1/webhooks', { as: 'admin', json: { url: rx.url, events: ['*'] } })).body;
    rx.answers.push(500, 503);
    const event = caseEvent();
    await srv.store.transaction((tx) => tx.webhooks.enqueue(event, event.at));
    await until('three attempts', () => rx.got.filter((g) => g.body.includes(event.id)).length === 3);
    const attempts = rx.got.filter((g) => g.body.includes(event.id));
    expect(new Set(attempts.map((a) => a.headers['foedus-delivery'])).size).toBe(1);
    await until('delivered', async () => (await srv.store.webhooks.deliveries(webhook.id, 10)).some((d) => d.status === 'delivered'));
    const [d] = await srv.store.webhooks.deliveries(webhook.id, 10);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200, lastError: null, nextAttemptAt: null });

    // A receiver that never takes it: three attempts (maxAttempts), then failed, kept in the log.
    rx.answers.push(500, 500, 500, 500);
    const lost = caseEvent();
    await srv.store.transaction((tx) => tx.webhooks.enqueue(lost, lost.at));
    await until('failed', async () => (await srv.store.webhooks.deliveries(webhook.id, 10)).some((x) => x.eventId === lost.id && x.status === 'failed'));
    const f = (await srv.store.webhooks.deliveries(webhook.id, 10)).find((x) => x.eventId === lost.id)!;
    expect(f).toMatchObject({ attempts: 3, lastStatus: 500, lastError: 'the receiver answered 500', nextAttemptAt: null });
    expect(rx.got.filter((g) => g.body.includes(lost.id))).toHaveLength(3);
    await srv.api('POST', `/api/v1/webhooks/${webhook.id}/disable`, { as: 'admin' });
  });
});

describe.each(DIALECTS)('a webhook delivery survives a restart mid-retry (%s)', (dialect) => {
  let config: StoreConfig;
  let drop: () => Promise<void>;
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    ({ config, drop } = await createTestDatabase(dialect));
    rx = await receiver();
  });
  afterAll(async () => {
    await rx?.close();
    await drop?.();
  });

  async function start(): Promise<{ store: Store; app: FoedusApp }> {
    const store = await openStore(config);
    const app = await buildApp({ store, charters: testCharters(), logger: false, webDir: null, webhooks: { ...FAST, backoff: { baseMs: 400, maxMs: 400, maxAttempts: 5 } } });
    await app.ready();
    return { store, app };
  }

  it('is sent by the restarted server from the outbox, once, with the same delivery id', async () => {
    let { store, app } = await start();
    const hook = await store.webhooks.create({ url: rx.url, secret: 'whsec_restart', events: ['*'], by: 'test', at: new Date().toISOString() });
    rx.answers.push(503);
    const event = caseEvent();
    await store.transaction((tx) => tx.webhooks.enqueue(event, event.at));
    await until('the first, failed attempt to be recorded', async () => (await store.webhooks.deliveries(hook.id, 5))[0]?.attempts === 1);
    // Stop the server and close the store while the retry is still waiting.
    await app.close();
    await store.close();
    expect(rx.got).toHaveLength(1);

    ({ store, app } = await start());
    try {
      await until('the retry after the restart', async () => (await store.webhooks.deliveries(hook.id, 5))[0]?.status === 'delivered');
      expect(rx.got).toHaveLength(2);
      expect(rx.got[1]!.headers['foedus-delivery']).toBe(rx.got[0]!.headers['foedus-delivery']);
      expect(rx.got[1]!.body).toBe(rx.got[0]!.body);
      expect((await store.webhooks.deliveries(hook.id, 5))[0]).toMatchObject({ attempts: 2, lastStatus: 200 });
    } finally {
      await app.close();
      await store.close();
    }
  });
});
