// What the browser tests need: the built UI, a real Foedus server in demo mode
// on a fresh SQLite file, and Debian's Chromium driven by playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = join(ROOT, 'bench/out/web');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds web/dist unless a build newer than every source file is there. */
export function buildUi(): void {
  const dist = join(ROOT, 'web/dist/index.html');
  if (existsSync(dist) && process.env.FOEDUS_WEB_REBUILD !== '1') {
    const built = statSync(dist).mtimeMs;
    const newest = spawnSync('find', [join(ROOT, 'web/src'), join(ROOT, 'web/index.html'), join(ROOT, 'web/vite.config.ts'), '-newer', dist], { encoding: 'utf8' });
    if (newest.status === 0 && newest.stdout.trim() === '' && built > 0) return;
  }
  const r = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface DemoServer {
  url: string;
  /** Demo accounts and their passwords, as printed by `foedus serve --demo`. */
  accounts: Map<string, string>;
  stop(): Promise<void>;
}

/** `foedus serve --demo` on a fresh SQLite file and a free port; resolves once it says where it serves. */
export async function startDemoServer(): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'foedus-ui-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/foedus.js', 'serve', '--demo', '--db', join(dir, 'ui.db'), '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const accounts = new Map<string, string>();
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      log += b.toString();
      for (const m of log.matchAll(/^\s+(\S+)\s+password (\S+)\s+\(/gm)) accounts.set(m[1]!, m[2]!);
      const u = /(http:\/\/127\.0\.0\.1:\d+)\/\s+the UI/.exec(log);
      if (u) resolve(u[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`foedus serve exited (${code}) before listening:\n${log}`)));
  });
  return {
    url,
    accounts,
    stop: async () => {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession { context: BrowserContext; page: Page; profile: string; close(): Promise<void> }

/** Headless Chromium with a fresh profile (user-data-dir); the page's language preference is `locale`. */
export async function openBrowser(locale = 'en-GB'): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run apt-get install -y chromium (CI does), or set CHROMIUM_PATH`);
  const profile = mkdtempSync(join(tmpdir(), 'foedus-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic'],
    viewport: { width: 1440, height: 900 },
    locale,
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page, profile,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/#/map`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.locator('[data-testid=who]').waitFor();
}

/** Runs `action` (a click, a filter) and waits until the map has drawn the clusters of the query it caused. */
export async function afterReload(page: Page, action: () => Promise<unknown>): Promise<void> {
  const map = page.locator('[data-testid=ops-map]');
  const before = Number((await map.getAttribute('data-loads')) ?? 0);
  await action();
  await page.waitForFunction((n) => {
    const el = document.querySelector<HTMLElement>('[data-testid=ops-map]');
    return !!el && el.dataset.state === 'ready' && Number(el.dataset.loads ?? 0) > n;
  }, before, { timeout: 60_000 });
}

/** Waits until the map has drawn the clusters of the current view. */
export async function mapReady(page: Page): Promise<void> {
  await page.locator('[data-testid=ops-map][data-state=ready]').waitFor({ timeout: 60_000 });
  // The clusters are HTML; the basemap is WebGL: wait until it is drawn too.
  await page.waitForFunction(() => {
    const m = (window as unknown as { foedusMap?: { getLayer(id: string): unknown; loaded(): boolean; isMoving(): boolean } }).foedusMap;
    return !!m && !!m.getLayer('land') && m.loaded() && !m.isMoving();
  }, undefined, { timeout: 60_000 });
}

const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is. */
export async function axeViolations(p: Page): Promise<string[]> {
  // Evaluated through the browser's devtools protocol, not as an inline <script>: the UI's
  // Content-Security-Policy (rightly) refuses inline scripts.
  if (!(await p.evaluate(() => 'axe' in window))) await p.evaluate(AXE);
  const found = await p.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.n})`);
}
