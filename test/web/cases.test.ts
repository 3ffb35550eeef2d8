// The AES art. 6 story in the browser: a secretariat officer and the liaisons of Niger, Burkina Faso
// and Mali, each in its own Chromium, against a real Foedus server (demo mode). Mali's liaison works
// in French. Screenshots go to bench/out/web/ (case-*, desk-*, cases-board-*).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { axeViolations, buildUi, openBrowser, shot, SHOTS, signIn, startDemoServer, type BrowserSession, type DemoServer } from './harness.ts';

let server: DemoServer;
const sessions: Record<string, BrowserSession> = {};
const pages: Record<'sec' | 'ner' | 'bfa' | 'mli', Page> = {} as never;
const pageErrors: string[] = [];
let incidentId = '';
let caseUrl = '';

/** Records the attack on Niger through the API, as the secretariat (the record screen is tested elsewhere). */
async function recordAttack(): Promise<string> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'secretariat', password: server.accounts.get('secretariat') }) });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('foedus_session='))!.split(';')[0]!;
  const r = await fetch(`${server.url}/api/v1/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ incident: { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 }, placeName: 'Tillabéri' }),
  });
  return ((await r.json()) as { id: string }).id;
}

beforeAll(async () => {
  buildUi();
  server = await startDemoServer();
  for (const [key, user, locale] of [['sec', 'secretariat', 'en-GB'], ['ner', 'liaison-ner', 'en-GB'], ['bfa', 'liaison-bfa', 'en-GB'], ['mli', 'liaison-mli', 'fr-FR']] as const) {
    sessions[key] = await openBrowser(locale);
    pages[key] = sessions[key]!.page;
    pages[key].on('pageerror', (e) => pageErrors.push(`${key}: ${e.message}`));
    // The security headers' policy must not block anything the UI needs.
    pages[key].on('console', (m) => { if (/Content Security Policy/i.test(m.text())) pageErrors.push(`CSP: ${m.text()}`); });
    await signIn(pages[key], server.url, user, server.accounts.get(user)!);
  }
  incidentId = await recordAttack();
}, 240_000);

afterAll(async () => {
  for (const s of Object.values(sessions)) await s.close();
  await server?.stop();
});

/**
 * Takes a step by clicking `selector` in `page`, and waits for the server's answer to that very step and
 * for the page to show the version it made (or the error box). Waiting for any change of the status line
 * was not enough: a live update of another party's earlier step changes it too, and under load the test
 * then went on before its own step had landed.
 */
async function click(page: Page, selector: string): Promise<void> {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/v1/cases'), { timeout: 15_000 });
  await page.locator(selector).first().click();
  const res = await answer;
  if (!res.ok()) {
    await page.locator('[data-testid=error-box]').waitFor();
    return;
  }
  const { case: made } = (await res.json()) as { case: { version: number } };
  await page.waitForFunction((v) => !!document.querySelector('.status-line')?.textContent?.includes(`version ${v} `), made.version, { timeout: 15_000 });
}

/** Opens the case page afresh (a reload when already there: going to the same #/ address does not load the case again). */
async function gotoCase(page: Page): Promise<void> {
  if (page.url() === caseUrl) await page.reload();
  else await page.goto(caseUrl);
  await page.locator('[data-testid=case-state]').waitFor();
}

describe('a response case run in the browser', () => {
  it('the secretariat opens a case from the incident page, and Burkina Faso\'s desk shows its new obligation live', async () => {
    const bfa = pages.bfa;
    await bfa.goto(`${server.url}/#/desk`);
    await bfa.locator('[data-testid=inbox-empty]').waitFor();
    expect(await bfa.locator('h1').allTextContents()).toEqual(['My desk — Burkina Faso']);

    const sec = pages.sec;
    await sec.goto(`${server.url}/#/incidents/${encodeURIComponent(incidentId)}`);
    const open = sec.locator('[data-testid=open-case]');
    await open.waitFor({ timeout: 30_000 });
    await open.locator('input[name=case-reason]').fill('Attack on Niger confirmed by the duty officer');
    await open.locator('button[data-provision="6.collective_defence"]').click();
    await sec.locator('[data-testid=case-state]').waitFor();
    caseUrl = sec.url();
    expect(caseUrl).toMatch(/#\/cases\/\d+$/);
    expect(await sec.locator('[data-testid=case-state]').textContent()).toBe('Opened');
    await shot(sec, 'case-opened-en');

    // No reload: the feed brings the obligation to Burkina Faso's desk and the count to its header.
    await bfa.locator('[data-testid=inbox] li[data-kind=obligation]').waitFor({ timeout: 15_000 });
    expect(await bfa.locator('[data-testid=inbox-count]').textContent()).toBe('1');
    expect(await bfa.locator('[data-testid=inbox] li').first().textContent()).toMatch(/acknowledge the case/);
    await shot(bfa, 'desk-liaison-bfa-en');
    expect(await axeViolations(bfa)).toEqual([]);
  });

  it('the parties acknowledge and state their positions; the decision waits for Mali, told in French', async () => {
    await pages.bfa.locator('[data-testid=inbox] li a').first().click();
    await pages.bfa.locator('[data-testid=case-state]').waitFor();
    await click(pages.bfa, 'button[data-step=acknowledge]');
    await gotoCase(pages.mli);
    await click(pages.mli, 'button[data-step=acknowledge]');

    await pages.sec.locator('[data-testid=lifecycle] input[name=reason]').fill('Council convened');
    await click(pages.sec, 'button[data-step=start_consultation]');
    expect(await pages.sec.locator('[data-testid=case-state]').textContent()).toBe('Consultation');

    for (const key of ['ner', 'bfa'] as const) {
      await gotoCase(pages[key]);
      await pages[key].locator('[data-testid=position-form] input[value=support]').check();
      await click(pages[key], '[data-testid=position-form] button[type=submit]');
    }
    // Mali's liaison sees the decision refused in French when the secretariat's screen is stale? No: the secretariat is told in English.
    await gotoCase(pages.sec);
    await pages.sec.locator('[data-testid=lifecycle] input[name=reason]').fill('too early');
    await pages.sec.locator('button[data-step=record_decision]').click();
    await pages.sec.locator('[data-testid=error-box]').waitFor();
    expect(await pages.sec.locator('[data-testid=error-box]').textContent()).toContain('The decision needs the positions of Mali (MLI).');

    await gotoCase(pages.mli);
    expect(await pages.mli.locator('h2#actions-title').textContent()).toBe('Ce que vous pouvez faire maintenant');
    await pages.mli.locator('[data-testid=position-form] input[name=statement]').fill('Le Mali se tient aux côtés du Niger.');
    await click(pages.mli, '[data-testid=position-form] button[type=submit]');
    await shot(pages.mli, 'case-consultation-fr');
    expect(await axeViolations(pages.mli)).toEqual([]);

    await gotoCase(pages.sec);
    await pages.sec.locator('[data-testid=lifecycle] input[name=reason]').fill('Heads of state, unanimous');
    await click(pages.sec, 'button[data-step=record_decision]');
    expect(await pages.sec.locator('[data-testid=case-state]').textContent()).toBe('Decided');
    expect(await pages.sec.locator('[data-testid=decision]').textContent()).toMatch(/No party opposes/);
    await pages.sec.locator('[data-testid=lifecycle] input[name=reason]').fill('Assistance begins');
    await click(pages.sec, 'button[data-step=activate]');
    expect(await pages.sec.locator('[data-testid=case-state]').textContent()).toBe('Active');
  });

  it('Niger asks for two companies, Burkina Faso and Mali pledge, Niger accepts one and declines the other', async () => {
    const ner = pages.ner;
    await gotoCase(ner);
    await ner.locator('details.post-request summary').click();
    const form = ner.locator('[data-testid=request-form]');
    await form.locator('input[name=quantity]').fill('2');
    await form.locator('input[name=unit]').fill('company');
    await form.locator('input[name=area]').fill('Tillabéri');
    await form.locator('input[name=lat]').fill('14.2');
    await form.locator('input[name=lon]').fill('1.45');
    await form.locator('select[name=priority]').selectOption('critical');
    await click(ner, '[data-testid=request-form] button[type=submit]');
    await ner.locator('[data-testid=request-R1]').waitFor();

    await gotoCase(pages.bfa);
    await pages.bfa.locator('[data-testid=pledge-form-R1] input[name=quantity]').fill('2');
    await click(pages.bfa, '[data-testid=pledge-form-R1] button[type=submit]');
    await gotoCase(pages.mli);
    await click(pages.mli, '[data-testid=pledge-form-R1] button[type=submit]');

    await gotoCase(ner);
    await click(ner, '[data-testid=pledge-P1] button[data-step=accept_pledge]');
    await ner.locator('[data-testid=pledge-P2] button[data-step=decline_pledge]').click();
    await ner.locator('[data-testid=decline_pledge-form] input[name=reason]').fill('R1 covered by the first pledge');
    await click(ner, '[data-testid=decline_pledge-form] button[type=submit]');
    expect(await ner.locator('[data-testid=pledge-P1]').getAttribute('data-state')).toBe('accepted');
    expect(await ner.locator('[data-testid=pledge-P2]').getAttribute('data-state')).toBe('declined');
    // Mali's liaison may not accept or decline pledges to Niger's request.
    await gotoCase(pages.mli);
    expect(await pages.mli.locator('button[data-step=accept_pledge]').count()).toBe(0);
  });

  it('Burkina Faso deploys to the site; the shortfall falls to zero; stand-down and closure; compliance shown', async () => {
    const bfa = pages.bfa;
    await gotoCase(bfa);
    const dep = bfa.locator('[data-testid=deploy-form-P1]');
    await dep.locator('select[name=status]').selectOption('in_transit');
    await dep.locator('input[name=personnel]').fill('300');
    await click(bfa, '[data-testid=deploy-form-P1] button[type=submit]');
    await click(bfa, '[data-testid=deployment-D1] button[data-step=deploy-on_site]');
    expect(await bfa.locator('[data-testid=shortfall-R1]').textContent()).toMatch(/^Shortfall: 0 company/);

    const sec = pages.sec;
    await gotoCase(sec);
    await sec.locator('[data-testid=lifecycle] input[name=reason]').fill('Security restored in Tillabéri');
    await click(sec, 'button[data-step=stand_down]');
    await sec.locator('[data-testid=lifecycle] input[name=reason]').fill('Forces home');
    await click(sec, 'button[data-step=close]');
    expect(await sec.locator('[data-testid=case-state]').textContent()).toBe('Closed');
    const row = (p: string) => sec.locator(`[data-testid=compliance] tr[data-party=${p}] td`).allTextContents();
    // Party, met, met late, unmet, overdue, honoured, dishonoured (all on time on the real clock here).
    expect((await row('BFA')).slice(1, 7)).toEqual(['3', '0', '0', '0', '1', '0']);
    expect((await row('MLI')).slice(1, 7)).toEqual(['3', '0', '0', '0', '0', '0']);
    expect((await row('NER')).slice(1, 7)).toEqual(['1', '0', '0', '0', '0', '0']);
    await shot(sec, 'case-closed-en');
    await sec.screenshot({ path: join(SHOTS, 'case-closed-full-en.png'), fullPage: true });
    expect(await axeViolations(sec)).toEqual([]);

    await sec.goto(`${server.url}/#/cases`);
    await sec.locator('[data-testid=board-real]').waitFor();
    expect(await sec.locator('h1').allTextContents()).toEqual(['Response cases']);
    await shot(sec, 'cases-board-en');
    expect(await axeViolations(sec)).toEqual([]);
    await pages.mli.goto(`${server.url}/#/desk`);
    await pages.mli.locator('[data-testid=record]').waitFor();
    expect(await pages.mli.locator('[data-testid=record]').textContent()).toMatch(/obligations 3 remplies, 0 en retard, 0 non remplies/);
    await shot(pages.mli, 'desk-liaison-mli-fr');
    expect(await axeViolations(pages.mli)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('switches the new screens to French and back', async () => {
    const sec = pages.sec;
    const lang = (l: 'fr' | 'en') => sec.locator(`.lang-switch button[data-lang=${l}]`).click();
    await sec.goto(`${server.url}/#/cases`);
    await sec.locator('[data-testid=board-real]').waitFor();
    await lang('fr');
    expect(await sec.locator('h1').textContent()).toBe('Dossiers de réponse');
    await gotoCase(sec);
    expect(await sec.locator('[data-testid=case-state]').textContent()).toBe('Clos');
    expect(await sec.locator('h2#compliance-title').textContent()).toBe('Respect des obligations');
    await sec.goto(`${server.url}/#/desk`);
    await sec.locator('h1').waitFor();
    expect(await sec.locator('h1').textContent()).toBe('Mon bureau');
    await shot(sec, 'desk-secretariat-fr');
    expect(await axeViolations(sec)).toEqual([]);
    await lang('en');
    expect(await sec.locator('h1').textContent()).toBe('My desk');
    expect(pageErrors).toEqual([]);
  });
});

describe('a party keeps a ledger checkpoint', () => {
  it('Mali\'s liaison downloads a signed checkpoint from its desk, and later the desk says the ledger still holds it', async () => {
    const mli = pages.mli;
    await mli.goto(`${server.url}/#/desk`);
    const card = mli.locator('[data-testid=checkpoint-card]');
    await card.waitFor();
    const [download] = await Promise.all([mli.waitForEvent('download'), card.locator('button').click()]);
    const kept = await download.path();
    expect(download.suggestedFilename()).toMatch(/^foedus-ledger-checkpoint-\d+\.json$/);
    // The ledger grows (a new incident), then the kept file is given back.
    await recordAttack();
    await card.locator('input[type=file]').setInputFiles(kept);
    const result = mli.locator('[data-testid=checkpoint-result]');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toMatch(/Le registre contient toujours le point de contrôle/);
    await shot(mli, 'desk-checkpoint-fr');
    expect(await axeViolations(mli)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
