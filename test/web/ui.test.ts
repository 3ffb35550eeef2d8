// The UI in a real browser against a real Foedus server (demo mode, embedded store).
// Screenshots go to bench/out/web/ for a person to look at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT, afterReload, buildUi, mapReady, openBrowser, shot, signIn, startDemoServer, type BrowserSession, type DemoServer } from './harness.ts';

let server: DemoServer;
let session: BrowserSession;
let page: Page;
const offsite: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  buildUi();
  server = await startDemoServer();
  session = await openBrowser('en-GB');
  page = session.page;
  // The machine has no internet: the UI must never reach for a tile server, a font CDN or anything else.
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:')) offsite.push(u);
  });
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

describe('Foedus UI in Chromium', () => {
  it('refuses a wrong password with a clear message', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('input[name=username]').fill('secretariat');
    await page.locator('input[name=password]').fill('not-the-password');
    await page.locator('form button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=signin-error]').textContent()).toContain('Wrong username or password');
    await shot(page, '01-signin-error');
  });

  it('signs in as the secretariat and shows clusters whose total matches the count API', async () => {
    await signIn(page, server.url, 'secretariat', password('secretariat'));
    await mapReady(page);
    const clusterSum = await page.locator('.cluster').evaluateAll((els) => els.reduce((s, e) => s + Number((e as HTMLElement).dataset.count), 0));
    expect(clusterSum).toBeGreaterThan(0);
    const bbox = await page.evaluate(() => {
      const m = (window as unknown as { foedusMap: { getBounds(): { getWest(): number; getSouth(): number; getEast(): number; getNorth(): number } } }).foedusMap;
      const b = m.getBounds();
      const c = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
      return [c(b.getWest(), -180, 180), c(b.getSouth(), -90, 90), c(b.getEast(), -180, 180), c(b.getNorth(), -90, 90)].map((v) => v.toFixed(4)).join(',');
    });
    const res = await page.request.get(`${server.url}/api/v1/incidents/count?bbox=${bbox}`);
    expect(res.ok()).toBe(true);
    const { count } = (await res.json()) as { count: number };
    expect(clusterSum).toBe(count);
    expect(Number(await page.locator('[data-testid=cluster-total]').getAttribute('data-value'))).toBe(count);
    await expect.poll(() => page.locator('[data-testid=credit]').textContent()).toContain('UCDP GED (CC BY 4.0)');
    expect(await page.locator('.cluster.coarse').count() + Number(await page.locator('[data-testid=coarse-total]').count())).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=timeline] .bar').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('nav a[data-nav=record]').count()).toBe(1);
    await shot(page, '02-map');
  });

  it('opens an incident and shows its assessment with a triggered provision', async () => {
    // Narrow to terrorist attacks since the AES charter was signed, then zoom in as a duty officer would.
    await afterReload(page, () => page.locator('.filters input[name=from]').fill('2023-09-16'));
    await afterReload(page, () => page.locator('.filters select[name=kind]').selectOption('terrorist_attack'));
    expect(await page.locator('[data-testid=ops-map]').getAttribute('data-query')).toContain('kind=terrorist_attack');
    for (let i = 0; i < 8 && (await page.locator('.cluster.one').count()) === 0 && (await page.locator('[data-testid=cell-list]').count()) === 0; i++) {
      // By keyboard: a cluster is a button (focus, Enter).
      await afterReload(page, async () => {
        await page.locator('.cluster.many').first().focus();
        await page.keyboard.press('Enter');
      });
    }
    if ((await page.locator('.cluster.one').count()) > 0) await page.locator('.cluster.one').first().click();
    else await page.locator('[data-testid=cell-list] a').first().click();
    await page.locator('[data-testid=incident]').waitFor();
    await page.locator('[data-testid=assessment]').waitFor();
    expect(await page.locator('[data-testid=incident] [data-testid=triggered]').count()).toBeGreaterThan(0);
    await page.locator('[data-testid=history] table, [data-testid=history] p').first().waitFor();
    // The panel scrolls on its own: a long assessment must not stretch the map past the window.
    const mapBox = await page.locator('[data-testid=ops-map]').boundingBox();
    expect(mapBox!.y + mapBox!.height).toBeLessThanOrEqual(page.viewportSize()!.height);
    await shot(page, '03-incident-panel');
  }, 60_000);

  it('switches to French and shows French labels', async () => {
    await page.locator('.lang-switch button[data-lang=fr]').click();
    await expect.poll(() => page.locator('nav a[data-nav=map]').textContent()).toBe('Carte des opérations');
    await expect.poll(() => page.locator('nav a[data-nav=assess]').textContent()).toBe('Évaluer un incident');
    await expect.poll(() => page.locator('[data-testid=credit]').textContent()).toContain('Données : UCDP GED');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.locator('[data-testid=assessment]').waitFor();
    await expect.poll(() => page.locator('[data-testid=assessment] .assess-at').textContent()).toContain('Évalué');
    await shot(page, '04-incident-fr');
  });

  it('assesses a what-if armed attack on Niger by Nigeria on 2023-10-15: AES art. 6 triggered and a conflict listed', async () => {
    await page.locator('nav a[data-nav=assess]').click();
    await page.locator('input[name=date]').fill('2023-10-15');
    await page.locator('select[name=kind]').selectOption('armed_attack');
    await page.locator('input[name=lat]').fill('13.5116');
    await page.locator('input[name=lon]').fill('2.1254');
    await page.locator('#location-country').selectOption('NER');
    await page.locator('select[name=perpetrator-type]').selectOption('state');
    await page.locator('#perpetrator-country').selectOption('NGA');
    await page.locator('select[name=target-type]').selectOption('territory');
    await page.locator('#target-country').selectOption('NER');
    await page.locator('.whatif-form button[type=submit]').click();
    await page.locator('[data-testid=assessment]').waitFor();
    const art6 = page.locator('[data-testid=triggered][data-charter=aes-2023][data-article="6"]');
    expect(await art6.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=conflict]').count()).toBeGreaterThan(0);
    await page.locator('.whatif-result').scrollIntoViewIfNeeded();
    await shot(page, '05-whatif-fr');
  });

  it('records an incident as the secretariat and shows it assessed, with its history', async () => {
    await page.locator('nav a[data-nav=record]').click();
    await page.locator('input[name=date]').fill('2024-03-01');
    await page.locator('select[name=kind]').selectOption('terrorist_attack');
    await page.locator('[data-testid=point-picker]').waitFor();
    await page.locator('input[name=lat]').fill('14.3489');
    await page.locator('input[name=lon]').fill('-3.6098');
    await page.locator('select[name=perpetrator-type]').selectOption('non_state_armed_group');
    await page.locator('input[name=perpetrator-name]').fill('JNIM');
    await page.locator('select[name=target-type]').selectOption('armed_forces');
    await page.locator('#target-country').selectOption('MLI');
    await page.locator('input[name=fatalities]').fill('4');
    await page.locator('input[name=place-name]').fill('Bandiagara');
    await page.locator('textarea[name=notes]').fill('Embuscade contre une patrouille, signalée par le poste de Mopti.');
    await shot(page, '09-record-form');
    await page.locator('main form button[type=submit]').click();
    await page.locator('[data-testid=incident]').waitFor();
    const id = await page.locator('[data-testid=incident]').getAttribute('data-id');
    expect(id).not.toMatch(/^ucdp_ged:/);
    await page.locator('[data-testid=assessment]').waitFor();
    expect(await page.locator('[data-testid=triggered][data-charter=aes-2023]').count()).toBeGreaterThan(0);
    await page.locator('[data-testid=history] tbody tr').first().waitFor();
    await shot(page, '10-recorded');

    // A stale correction: someone else edits the record between our read and our save.
    await page.locator('[data-testid=edit-incident]').click();
    await page.locator('textarea[name=edit-notes]').fill('Bilan revu : 5 morts selon le poste de Mopti.');
    const me = (await (await page.request.get(`${server.url}/api/v1/auth/me`)).json()) as { csrfToken: string };
    const other = await page.request.patch(`${server.url}/api/v1/incidents/${encodeURIComponent(id!)}`, {
      headers: { 'x-csrf-token': me.csrfToken }, data: { version: 1, notes: 'Edited elsewhere first.' },
    });
    expect(other.status()).toBe(200);
    await page.locator('[data-testid=edit-form] button[type=submit]').click();
    await page.locator('[data-testid=version-conflict]').waitFor();
    expect(await page.locator('[data-testid=version-conflict]').textContent()).toContain('secretariat');
    await shot(page, '10b-version-conflict');
    await page.locator('[data-testid=version-conflict] button').click();
    await expect.poll(() => page.locator('[data-testid=incident-facts]').textContent()).toContain('Edited elsewhere first.');
    await page.locator('[data-testid=edit-form] button[type=submit]').click();
    await expect.poll(() => page.locator('[data-testid=incident-facts]').textContent()).toContain('Bilan revu');
    await expect.poll(() => page.locator('[data-testid=history] tbody tr').count()).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('imports a file and lists the rejected row with its line and reason', async () => {
    await page.locator('nav a[data-nav=import]').click();
    // Two rows in the real UCDP GED layout, made from the first row of the shipped Mali file: one good, one with an impossible date.
    const [header, first] = readFileSync(join(ROOT, 'data/ucdp/ged_mali.csv'), 'utf8').split('\n');
    const row = first!.replace(/^\d+,/, '');
    const csv = [header, `999000001,${row}`, `999000002,${row.replace(/\d\d\/\d\d\/(\d{4}) 00:00:00,/, '13/45/$1 00:00:00,')}`, ''].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'ged-two-rows.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('select[name=format]').selectOption('ucdp');
    await page.locator('main form button[type=submit]').click();
    await page.locator('[data-testid=rejected] tbody tr').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=rejected]').textContent()).toMatch(/ged-two-rows\.csv:3.*date_start/);
    await shot(page, '11-import');
  });

  it('shows the charters with their parties on a day, suspended ones marked', async () => {
    await page.goto(`${server.url}/#/charters/ecowas-pmad-1981?at=2024-01-01`);
    await page.locator('[data-testid=parties]').waitFor();
    expect(await page.locator('[data-testid=parties] .chip.suspended').count()).toBeGreaterThan(0);
    await shot(page, '06-charters');
  });

  it('lists incidents with paging', async () => {
    await page.locator('nav a[data-nav=incidents]').click();
    await page.locator('[data-testid=incident-table] tbody tr').first().waitFor();
    const before = await page.locator('[data-testid=incident-table] tbody tr').count();
    await page.locator('.pager button').click();
    await expect.poll(() => page.locator('[data-testid=incident-table] tbody tr').count()).toBeGreaterThan(before);
    await shot(page, '07-list');
  });

  it('does not offer "Record an incident" to an observer', async () => {
    await page.locator('.session button.quiet').click();
    await page.locator('input[name=username]').waitFor();
    await signIn(page, server.url, 'observer', password('observer'));
    await mapReady(page);
    expect(await page.locator('nav a[data-nav=record]').count()).toBe(0);
    expect(await page.locator('nav a[data-nav=import]').count()).toBe(0);
    await page.goto(`${server.url}/#/record`);
    await expect.poll(() => page.locator('main [role=alert]').count()).toBe(1);
  });

  it('shows a liaison its party in the header', async () => {
    await page.locator('.session button.quiet').click();
    await page.locator('input[name=username]').waitFor();
    await signIn(page, server.url, 'liaison-ner', password('liaison-ner'));
    await expect.poll(() => page.locator('[data-testid=party]').textContent()).toContain('Niger');
    await mapReady(page);
    await shot(page, '08-liaison');
  });

  it('opens in French for a browser that prefers French', async () => {
    const fr = await openBrowser('fr-FR');
    try {
      await fr.page.goto(`${server.url}/`);
      await expect.poll(() => fr.page.locator('form button[type=submit]').textContent()).toBe('Se connecter');
      expect(await fr.page.locator('html').getAttribute('lang')).toBe('fr');
      expect(await fr.page.locator('.lang-switch button[data-lang=fr]').getAttribute('aria-pressed')).toBe('true');
    } finally {
      await fr.close();
    }
  });

  it('made no request off the Foedus server and threw no page error', () => {
    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
