// The map a duty officer reads (place names by zoom, place search, the selected incident), the header,
// one h1 a screen, French on the screens that showed English, inline form checks and the print sheet.
// In Chromium against `foedus serve --demo`; screenshots in bench/out/web/ for a person to look at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT, afterReload, axeViolations, buildUi, mapReady, openBrowser, shot, signIn, startDemoServer, type BrowserSession, type DemoServer } from './harness.ts';

let server: DemoServer;
let session: BrowserSession;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  buildUi();
  server = await startDemoServer();
  session = await openBrowser('en-GB');
  page = session.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // The security headers' policy must not block anything the UI needs.
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) pageErrors.push(`CSP: ${m.text()}`); });
}, 180_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

type MapHandle = { getCenter(): { lng: number; lat: number }; getZoom(): number; jumpTo(o: unknown): void; isMoving(): boolean };
const camera = (p: Page) => p.evaluate(() => {
  const m = (window as unknown as { foedusMap: MapHandle }).foedusMap;
  return { lon: m.getCenter().lng, lat: m.getCenter().lat, zoom: m.getZoom() };
});
const labels = (p: Page, kind = '') => p.locator(`.place-label${kind}`).evaluateAll((els) => els.map((e) => e.textContent ?? ''));
/** Waits until the labels drawn answer the map's current view (they are fetched after each move). */
async function labelsSettled(p: Page): Promise<void> {
  await p.waitForFunction(() => {
    const m = (window as unknown as { foedusMap: MapHandle }).foedusMap;
    return !m.isMoving() && Number(document.querySelector<HTMLElement>('[data-testid=ops-map]')?.dataset.placeLabels ?? 0) > 0;
  }, undefined, { timeout: 20_000 });
  await p.waitForTimeout(400);
}

// The machine is shared: generous time for each step.
describe('the map a duty officer can read', { timeout: 120_000 }, () => {
  it('names the capitals at the opening zoom, and villages only deep in', async () => {
    await signIn(page, server.url, 'secretariat', server.accounts.get('secretariat')!);
    await mapReady(page);
    await labelsSettled(page);
    // A settled map stays settled: nothing above it may change height with each load (that resized the map,
    // whose resize ended in a moveend that reloaded it, over and over).
    const loads = await page.locator('[data-testid=ops-map]').getAttribute('data-loads');
    await page.waitForTimeout(2000);
    expect(await page.locator('[data-testid=ops-map]').getAttribute('data-loads')).toBe(loads);
    const wide = await labels(page);
    for (const city of ['Bamako', 'Niamey', 'Ouagadougou']) expect(wide).toContain(city);
    expect(await labels(page, '.village')).toEqual([]);
    await shot(page, '20-map-place-names');

    await afterReload(page, () => page.evaluate(() => (window as unknown as { foedusMap: MapHandle }).foedusMap.jumpTo({ center: [1.4542, 14.2071], zoom: 11 })));
    await labelsSettled(page);
    expect(await labels(page)).toContain('Tillabéri');
    expect((await labels(page, '.village')).length).toBeGreaterThan(3);
    expect(await labels(page, '.admin1')).toEqual([]);
    // Names sit under the incident markers and never take their clicks.
    expect(await page.locator('.place-label').first().evaluate((e) => getComputedStyle(e).pointerEvents)).toBe('none');
    await shot(page, '21-map-deep-zoom-villages');
  });

  it('finds "tillaberi" typed without its accent and goes there', async () => {
    await afterReload(page, () => page.evaluate(() => (window as unknown as { foedusMap: MapHandle }).foedusMap.jumpTo({ center: [1.5, 15.5], zoom: 4.3 })));
    const search = page.locator('.map-bar [data-testid=place-search] input');
    await search.fill('tillaberi');
    await page.locator('[data-testid=place-hits] button').first().waitFor();
    expect(await page.locator('[data-testid=place-hits] button').first().textContent()).toContain('Tillabéri');
    await shot(page, '22-place-search');
    await search.press('Enter');
    await expect.poll(async () => (await camera(page)).zoom, { timeout: 10_000 }).toBeGreaterThan(10.5);
    await page.waitForFunction(() => !(window as unknown as { foedusMap: MapHandle }).foedusMap.isMoving());
    const c = await camera(page);
    expect(c.lat).toBeCloseTo(14.207, 1);
    expect(c.lon).toBeCloseTo(1.454, 1);
    expect(await page.locator('.search-pin').count()).toBe(1);
    await labelsSettled(page);
    expect(await labels(page)).toContain('Tillabéri');
  });

  it('lists, for every cluster of the demo data at zoom 11 and 12, exactly the incidents it counts', async () => {
    const aes = '-12.3,9.3,16.0,25.0';
    let checked = 0;
    for (const zoom of [11, 12]) {
      const { clusters } = (await (await page.request.get(`${server.url}/api/v1/incidents/clusters?bbox=${aes}&zoom=${zoom}`)).json()) as { clusters: Array<{ cell: string; count: number }> };
      for (const c of clusters.filter((x) => x.count > 1)) {
        const { count } = (await (await page.request.get(`${server.url}/api/v1/incidents/count?bbox=${aes}&cell=${c.cell}`)).json()) as { count: number };
        expect(count, `zoom ${zoom} cell ${c.cell}`).toBe(c.count);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    // And the list the map shows for one of them, deep in (the one the bug report named: lon −1.2513, lat 14.3349).
    await afterReload(page, () => page.evaluate(() => (window as unknown as { foedusMap: MapHandle }).foedusMap.jumpTo({ center: [-1.2513, 14.3349], zoom: 11 })));
    const many = page.locator('.cluster.many').first();
    if (await many.count()) {
      const n = Number(await many.getAttribute('data-count'));
      await many.click();
      await page.locator('[data-testid=cell-list] ul.cell-list li').first().waitFor();
      // A cluster cut by the edge of the view counts its part inside; its list is the whole cell.
      expect(await page.locator('[data-testid=cell-list] ul.cell-list li').count()).toBeGreaterThanOrEqual(Math.min(n, 100));
      await page.goto(`${server.url}/#/map`);
    }
  });

  it('marks the incident opened and brings it to the centre of the map', async () => {
    const list = (await (await page.request.get(`${server.url}/api/v1/incidents?country=NER&limit=5`)).json()) as { items: Array<{ id: string; locationPrecision: string; incident: { location: { lat: number; lon: number } } }> };
    const rec = list.items.find((r) => r.locationPrecision === 'exact') ?? list.items[0]!;
    await page.evaluate(() => (window as unknown as { foedusMap: MapHandle }).foedusMap.jumpTo({ center: [-8, 20], zoom: 4 }));
    await page.goto(`${server.url}/#/map?incident=${encodeURIComponent(rec.id)}`);
    await page.locator('[data-testid=selected-marker]').waitFor();
    await page.locator('[data-testid=incident]').waitFor();
    await page.waitForTimeout(900); // the camera eases in 600 ms
    const c = await camera(page);
    expect(c.lat).toBeCloseTo(rec.incident.location.lat, 1);
    expect(c.lon).toBeCloseTo(rec.incident.location.lon, 1);
    // The marker is where the centre of the map box is drawn.
    const mapBox = (await page.locator('[data-testid=ops-map]').boundingBox())!;
    const mark = (await page.locator('[data-testid=selected-marker]').boundingBox())!;
    expect(Math.abs(mark.x + mark.width / 2 - (mapBox.x + mapBox.width / 2))).toBeLessThan(6);
    expect(Math.abs(mark.y + mark.height / 2 - (mapBox.y + mapBox.height / 2))).toBeLessThan(6);
    await labelsSettled(page);
    await shot(page, '23-selected-incident-centred');
  });

  it('colours the clusters by the article they trigger, each named in the legend and in the cluster\'s label', async () => {
    await page.goto(`${server.url}/#/map`);
    await mapReady(page);
    await afterReload(page, () => page.evaluate(() => (window as unknown as { foedusMap: MapHandle }).foedusMap.jumpTo({ center: [-0.5, 14.5], zoom: 5.5 })));
    if (await page.locator('.side-panel .close').count()) await page.locator('.side-panel .close').click();
    await afterReload(page, () => page.locator('select[name=colourBy]').selectOption('aes-2023'));
    // Since the charter is in force (16 Sept 2023), so that most clusters hold triggered incidents.
    await afterReload(page, () => page.locator('input[name=from]').fill('01/10/2023'));
    await page.locator('.cluster.by-article').first().waitFor();
    // Every cluster drawn is painted, and the legend names the articles in words.
    expect(await page.locator('.cluster:not(.by-article)').count()).toBe(0);
    const legend = await page.locator('[data-testid=article-legend]').textContent();
    expect(legend).toMatch(/Art\. 6 — /);
    expect(legend).toContain('triggers none of its articles');
    // The clusters holding incidents under art. 6 are those the API counts so, each saying how many.
    const query = (await page.locator('[data-testid=ops-map]').getAttribute('data-query'))!;
    const zoom = Math.round((await camera(page)).zoom);
    const api = (await (await page.request.get(`${server.url}/api/v1/incidents/clusters?${query}&zoom=${zoom}&by=aes-2023`)).json()) as { clusters: Array<{ articles: Record<string, number> }> };
    const withSix = api.clusters.filter((c) => (c.articles['6'] ?? 0) > 0).length;
    expect(withSix).toBeGreaterThan(0);
    const arcs = await page.locator('.cluster.by-article').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.arcs ?? ''));
    expect(arcs.filter((a) => /Art\. 6 — [^:]+: \d+/.test(a)).length).toBe(withSix);
    expect(await page.locator('.cluster.many.by-article').first().getAttribute('aria-label')).toMatch(/incidents here.* — /);
    expect(await axeViolations(page)).toEqual([]);
    await labelsSettled(page);
    await shot(page, '24-map-coloured-by-article');
    // The filters offer each article by its name too; the map then counts just what triggers it.
    expect(await page.locator('select[name=triggers] option[value="aes-2023/6"]').textContent()).toMatch(/^Art\. 6 — \w/);
    await afterReload(page, () => page.locator('select[name=triggers]').selectOption('aes-2023/6'));
    const q6 = (await page.locator('[data-testid=ops-map]').getAttribute('data-query'))!;
    expect(q6).toContain('triggers=aes-2023%2F6');
    const { count: six } = (await (await page.request.get(`${server.url}/api/v1/incidents/count?${q6}`)).json()) as { count: number };
    expect(Number(await page.locator('[data-testid=cluster-total]').getAttribute('data-value'))).toBe(six);
    // Back to the precision colours (the choice is remembered in the browser, so undo it for the next tests).
    await afterReload(page, () => page.locator('select[name=colourBy]').selectOption(''));
    expect(await page.locator('.cluster.by-article').count()).toBe(0);
    await afterReload(page, () => page.getByRole('button', { name: 'Reset filters' }).click());
  });
});

describe('header and screens', { timeout: 120_000 }, () => {
  it('grows when the window narrows and shrinks back when it widens; the role is shown at every width', async () => {
    await page.goto(`${server.url}/#/map`);
    await mapReady(page);
    const height = async () => (await page.locator('.app-header').boundingBox())!.height;
    const wide = await height();
    for (const width of [1440, 1100, 760, 420]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      expect(await page.locator('[data-testid=role]').isVisible(), `role at ${width}px`).toBe(true);
      expect(await page.locator('.password-link').isVisible(), `password link at ${width}px`).toBe(true);
    }
    expect(await height()).toBeGreaterThan(wide);
    await shot(page, '24-header-narrow');
    await page.setViewportSize({ width: 1440, height: 900 });
    await expect.poll(height).toBe(wide);
    // The map fills the window below the header again, no more.
    const map = (await page.locator('[data-testid=ops-map]').boundingBox())!;
    expect(map.y).toBeLessThan(wide + 200);
  });

  it('reaches the password screen from the header, and gives each screen one h1', async () => {
    await page.locator('.password-link').click();
    await expect.poll(() => page.locator('main h1').textContent()).toMatch(/password/i);
    const rec = (await (await page.request.get(`${server.url}/api/v1/incidents?limit=1`)).json()) as { items: Array<{ id: string }> };
    for (const route of ['map', 'incidents', `incidents/${encodeURIComponent(rec.items[0]!.id)}`, 'assess', 'charters', 'record', 'import', 'password']) {
      await page.goto(`${server.url}/#/${route}`);
      await page.locator('main').waitFor();
      await page.waitForTimeout(300);
      expect(await page.locator('h1').count(), route).toBe(1);
    }
  });
});

describe('in French', { timeout: 120_000 }, () => {
  it('checks the record form inline before sending: no future date, no state perpetrator without its state', async () => {
    await page.goto(`${server.url}/#/record`);
    await page.locator('.lang-switch button[data-lang=fr]').click();
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Enregistrer un incident');
    expect(await page.locator('input[name=date]').getAttribute('placeholder')).toBe('jj/mm/aaaa');
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/incidents')) posts.push(r.url()); });
    const next = new Date(Date.now() + 3 * 86_400_000);
    const future = `${String(next.getUTCDate()).padStart(2, '0')}/${String(next.getUTCMonth() + 1).padStart(2, '0')}/${next.getUTCFullYear()}`;
    await page.locator('input[name=date]').fill(future);
    // Said at once, before any attempt to send.
    await expect.poll(() => page.locator('#err-date').textContent()).toContain('postérieure à aujourd');
    await page.locator('input[name=date]').fill('15/10/2023');
    await expect.poll(() => page.locator('[data-testid=date-said]').textContent()).toBe('dimanche 15 octobre 2023');
    await page.locator('[data-testid=point-picker]').waitFor();
    // The place search of the form sets the point.
    await page.locator('.picker [data-testid=place-search] input').fill('tillaberi');
    await page.locator('.picker [data-testid=place-hits] button').first().click();
    expect(await page.locator('input[name=lat]').inputValue()).toBe('14.2071');
    expect(await page.locator('input[name=lon]').inputValue()).toBe('1.4542');
    await page.locator('select[name=perpetrator-type]').selectOption('state');
    await page.locator('main form button[type=submit]').click();
    await expect.poll(() => page.locator('#err-perp-country').textContent()).toContain('Un auteur étatique doit être nommé');
    expect(await page.locator('#perpetrator-country').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#err-perp-country').scrollIntoViewIfNeeded();
    await shot(page, '25-record-inline-errors-fr');
    expect(posts).toEqual([]);
  });

  it('says a server refusal in French, the field by its label', async () => {
    await page.goto(`${server.url}/#/assess`);
    await page.locator('input[name=date]').fill('15/10/2023');
    await page.locator('#location-country').selectOption('NER');
    await page.locator('select[name=perpetrator-type]').selectOption('unknown');
    await page.locator('input[name=at]').fill('31/02/2024'); // no such day: sent as typed, the server refuses it
    await page.locator('.whatif-form button[type=submit]').click();
    await page.locator('[data-testid=error-box]').waitFor();
    const text = (await page.locator('[data-testid=error-box]').textContent()) ?? '';
    expect(text).toContain('le serveur a refusé la demande');
    expect(text).toContain('n’est pas une date réelle');
    expect(text).not.toMatch(/not a real calendar date/);
    await shot(page, '26-server-refusal-fr');
  });

  it('gives import rejection reasons in French', async () => {
    await page.goto(`${server.url}/#/import`);
    const [header, first] = readFileSync(join(ROOT, 'data/ucdp/ged_mali.csv'), 'utf8').split('\n');
    const row = first!.replace(/^\d+,/, '');
    const csv = [header, `999100001,${row.replace(/\d\d\/\d\d\/(\d{4}) 00:00:00,/, '13/45/$1 00:00:00,')}`, ''].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: 'ged-bad-date.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('select[name=format]').selectOption('ucdp');
    await page.locator('main form button[type=submit]').click();
    await page.locator('[data-testid=rejected] tbody tr').first().waitFor({ timeout: 60_000 });
    const reason = (await page.locator('[data-testid=rejected] tbody tr td').nth(2).textContent()) ?? '';
    expect(reason).toMatch(/date_start « 13\/45\/\d{4} 00:00:00 » n’est pas une date réelle/);
    await shot(page, '27-import-fr');
  });

  it('names provisions, confidence and unnumbered articles in French on the charters', async () => {
    await page.goto(`${server.url}/#/charters/aes-confederation-2024`);
    await page.locator('.article').first().waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/unnumbered-|\bpartial\b|\bunverified\b|cooperation/);
    expect(text).toContain('Non numéroté');
    await shot(page, '28-charters-fr');
    await page.goto(`${server.url}/#/charters/aes-2023`);
    await page.locator('.article').first().waitFor();
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(/\bpartial\b|\bunverified\b/);
  });

  it('writes dates in the user’s locale and prints the incident page light, without navigation', async () => {
    await page.goto(`${server.url}/#/incidents`);
    await page.locator('[data-testid=incident-table] tbody tr').first().waitFor();
    const firstDate = (await page.locator('[data-testid=incident-table] tbody tr td').first().textContent()) ?? '';
    expect(firstDate).toMatch(/^\d{1,2} [a-zéû]+\.? \d{4}$/);
    await page.locator('[data-testid=incident-table] tbody tr a').first().click();
    await page.locator('[data-testid=assessment]').waitFor();
    expect((await page.locator('[data-testid=incident-facts]').textContent()) ?? '').not.toMatch(/\d{2}\/\d{2}\/\d{4}/);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.locator('.print-button').isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    await page.screenshot({ path: join(ROOT, 'bench/out/web/29-incident-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('threw no page error', () => {
    expect(pageErrors).toEqual([]);
  });
});
