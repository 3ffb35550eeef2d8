// The administration screens and the export in a real browser against a real Foedus server (demo mode).
// Screenshots go to bench/out/web/ (admin-*) for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, buildUi, openBrowser, shot, signIn, startDemoServer, type BrowserSession, type DemoServer } from './harness.ts';

let server: DemoServer;
let session: BrowserSession;
let page: Page;
const pageErrors: string[] = [];
const LIAISON = 'liaison-tcd';
const ONE_TIME = 'niamey-dune-4821-kilo';

beforeAll(async () => {
  buildUi();
  server = await startDemoServer();
  session = await openBrowser('en-GB');
  page = session.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 180_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

function password(user: string): string {
  const p = server.accounts.get(user);
  if (!p) throw new Error(`the demo server printed no password for ${user}`);
  return p;
}


async function signOut(p: Page): Promise<void> {
  await p.locator('.session button.quiet').click();
  await p.locator('input[name=username]').waitFor();
}

describe('administration in Chromium', () => {
  it('offers the admin screens to the admin only', async () => {
    await signIn(page, server.url, 'secretariat', password('secretariat'));
    expect(await page.locator('nav a[data-nav=accounts]').count()).toBe(0);
    await signOut(page);
    await signIn(page, server.url, 'admin', password('admin'));
    await expect.poll(() => page.locator('nav a[data-nav=accounts]').count()).toBe(1);
    expect(await page.locator('nav a[data-nav=ledger]').count()).toBe(1);
  });

  it('lists the accounts and creates a liaison for Chad with a one-time password', async () => {
    await page.locator('nav a[data-nav=accounts]').click();
    await page.locator('[data-testid=accounts] tr[data-user=observer]').waitFor();
    expect(await page.locator('h1').allTextContents()).toEqual(['Accounts']);
    const form = page.locator('[data-testid=create-account]');
    await form.locator('input[name=username]').fill(LIAISON);
    await form.locator('select[name=role]').selectOption('liaison');
    await form.locator('#new-party').selectOption('TCD');
    await form.locator('input[name=password]').fill('password123');
    await form.locator('button[type=submit]').click();
    // A common password is refused, in words.
    await expect.poll(() => page.locator('[data-code=common_password]').textContent()).toContain('common passwords');
    await form.locator('input[name=password]').fill(ONE_TIME);
    await form.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=accounts-notice]').textContent()).toContain(ONE_TIME);
    const row = page.locator(`[data-testid=accounts] tr[data-user=${LIAISON}]`);
    await expect.poll(() => row.textContent()).toContain('Chad (TCD)');
    expect(await row.textContent()).toContain('must change password');
    await shot(page, 'admin-01-accounts-created');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('issues an API token shown once, then revokes it', async () => {
    const row = page.locator(`[data-testid=accounts] tr[data-user=${LIAISON}]`);
    await row.getByRole('button', { name: 'API tokens' }).click();
    const panel = page.locator(`[data-testid=tokens-${LIAISON}]`);
    await panel.locator('input[name=token-label]').fill('situation feed');
    await panel.locator('input[name=token-days]').fill('30');
    await panel.getByRole('button', { name: 'Issue a token' }).click();
    await expect.poll(() => panel.locator('[data-testid=issued-token] code').textContent()).toMatch(/^fdt_/);
    const token = (await panel.locator('[data-testid=issued-token] code').textContent())!;
    const me = () => fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me()).toBe(200);
    await expect.poll(() => panel.locator('tbody tr').first().textContent()).toContain('Valid');
    await panel.locator('[data-testid=issued-token]').scrollIntoViewIfNeeded();
    await shot(page, 'admin-02-token-issued');
    await panel.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => panel.locator('tbody tr').first().textContent()).toContain('Revoked');
    expect(await me()).toBe(401);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('verifies the ledger, shows its head, and reads the new account’s history old → new', async () => {
    await page.locator('nav a[data-nav=ledger]').click();
    await page.locator('[data-testid=verify]').click();
    await expect.poll(() => page.locator('[data-testid=verdict]').textContent()).toMatch(/Ledger intact: [\d,]+ entries checked/);
    const api = await page.evaluate(() => fetch('/api/v1/ledger/verify').then((r) => r.json()));
    expect(await page.locator('[data-testid=head]').textContent()).toContain(api.head.hash);
    await page.locator('select[name=kind]').selectOption('user');
    await page.locator('input[name=record-id]').fill(LIAISON);
    await page.getByRole('button', { name: 'Show its history' }).click();
    const history = page.locator('main [data-testid=ledger-history]');
    await expect.poll(() => history.locator('tbody tr').count()).toBe(3);
    const text = (await history.textContent())!;
    expect(text).toContain('Account created');
    expect(text).toContain('API token revoked');
    expect(text).toMatch(/tokens\.\d+\.revokedAt/);
    // The screen reader hears "becomes" between the two values; the eye sees an arrow.
    expect(text).toMatch(/party : —\s*→\s*becomes\s*TCD/);
    await shot(page, 'admin-03-ledger');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('shows both screens in French', async () => {
    await page.locator('.lang-switch button[data-lang=fr]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Registre');
    await page.locator('[data-testid=verify]').click();
    await expect.poll(() => page.locator('[data-testid=verdict]').textContent()).toMatch(/Registre intact : [\d  ]+ entrées vérifiées/);
    expect(await page.locator('main [data-testid=ledger-history]').textContent()).toContain('Compte créé');
    await shot(page, 'admin-04-ledger-fr');
    await page.locator('nav a[data-nav=accounts]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Comptes');
    await expect.poll(() => page.locator(`[data-testid=accounts] tr[data-user=${LIAISON}]`).textContent()).toContain('Tchad');
    const form = page.locator('[data-testid=create-account]');
    await form.locator('input[name=username]').fill('observer');
    await form.locator('select[name=role]').selectOption('observer');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('[data-code=user_exists]').textContent()).toBe('Un compte porte déjà ce nom d’utilisateur.');
    await shot(page, 'admin-05-accounts-fr');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('.lang-switch button[data-lang=en]').click();
  });

  it('the new liaison signs in, must choose its own password, then acts for Chad', async () => {
    await signOut(page);
    await signIn(page, server.url, LIAISON, ONE_TIME);
    await page.locator('input[name=current-password]').fill(ONE_TIME);
    await page.locator('input[name=new-password]').fill('lake-chad-harmattan-77');
    await page.locator('input[name=new-password-again]').fill('lake-chad-harmattan-77');
    await page.locator('main form button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=party]').textContent()).toContain('Chad');
    await expect.poll(() => page.locator('input[name=current-password]').count()).toBe(0);
    expect(await page.locator('nav a[data-nav=accounts]').count()).toBe(0);
    await shot(page, 'admin-06-liaison-signed-in');
  });

  it('exports the incidents screen’s filter as CSV and GeoJSON with the count of the list', async () => {
    await page.goto(`${server.url}/#/incidents`);
    const links = page.locator('[data-testid=export-links] a');
    await expect.poll(() => links.count()).toBe(2);
    await shot(page, 'admin-07-incidents-export');
    const [csvHref, geoHref] = [await links.nth(0).getAttribute('href'), await links.nth(1).getAttribute('href')];
    expect(csvHref).toMatch(/^\/api\/v1\/incidents\/export\?.*format=csv/);
    const got = await page.evaluate(async ([c, g]) => {
      const csv = await (await fetch(c!)).text();
      const geo = await (await fetch(g!)).json();
      const count = (await (await fetch('/api/v1/incidents/count')).json()).count;
      // Records end at a newline outside quotes (notes may hold line breaks inside quoted fields).
      let rows = 0, quoted = false;
      for (const ch of csv) {
        if (ch === '"') quoted = !quoted;
        else if (ch === '\n' && !quoted) rows++;
      }
      return { rows: rows - 1, features: geo.features.length, count, head: csv.slice(0, 20) };
    }, [csvHref, geoHref]);
    expect(got.count).toBeGreaterThan(0);
    expect(got.rows).toBe(got.count);
    expect(got.features).toBe(got.count);
    expect(got.head).toBe('id,date,date_end,dat');
  });

  it('threw no page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
