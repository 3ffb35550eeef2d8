// The webhooks screen in a real browser against a real Foedus server (demo mode) and a real local
// receiver: add, read the secret once, send a test, see it delivered, in English and French.
// Screenshots go to bench/out/web/ (webhooks-*).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { verifySignature } from '../../src/webhooks/signature.ts';
import { axeViolations, buildUi, openBrowser, shot, signIn, startDemoServer, type BrowserSession, type DemoServer } from './harness.ts';

let server: DemoServer;
let session: BrowserSession;
let page: Page;
let receiver: Server;
let receiverUrl = '';
const got: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  buildUi();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/foedus`;
  server = await startDemoServer();
  session = await openBrowser('en-GB');
  page = session.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 180_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
  receiver?.close();
});


describe('webhooks in Chromium', () => {
  it('the admin adds a webhook, keeps its secret, sends a test and sees it delivered, signed', async () => {
    const admin = server.accounts.get('admin');
    if (!admin) throw new Error('the demo server printed no admin password');
    await signIn(page, server.url, 'admin', admin);
    await page.locator('nav a[data-nav=webhooks]').click();
    await page.locator('[data-testid=add-webhook]').waitFor();
    expect(await page.locator('h1').allTextContents()).toEqual(['Webhooks']);
    const form = page.locator('[data-testid=add-webhook]');
    await form.locator('input[name=url]').fill(receiverUrl);
    await form.locator('button[type=submit]').click();
    const secret = (await page.locator('[data-testid=webhook-secret] code').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.locator('[data-testid=webhooks] tr[data-webhook]').first().waitFor();
    const deliveries = page.locator('[data-testid^=deliveries-]');
    await deliveries.locator('button', { hasText: 'Send a test event' }).click();
    await deliveries.locator('tr[data-status=delivered]').waitFor({ timeout: 20_000 });
    expect(await deliveries.locator('tr[data-status=delivered] td').first().textContent()).toBe('Test');
    expect(got).toHaveLength(1);
    expect(got[0]!.headers['foedus-event']).toBe('ping');
    expect(verifySignature(secret, got[0]!.body, got[0]!.headers['foedus-signature'] as string, Math.floor(Date.now() / 1000))).toEqual({ ok: true });
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'webhooks-01-delivered');
  });

  it('reads in French', async () => {
    await page.locator('.lang-switch button[data-lang=fr]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Webhooks');
    expect(await page.locator('#add-title').textContent()).toBe('Ajouter un webhook');
    await expect.poll(() => page.locator('[data-testid^=deliveries-] tr[data-status=delivered] td').nth(2).textContent()).toMatch(/^Reçu/);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'webhooks-02-fr');
    await page.locator('.lang-switch button[data-lang=en]').click();
    expect(pageErrors).toEqual([]);
  });
});
