import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `foedus serve` that cannot start says why in one line, with its own exit code (README). */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'foedus-serve-'));

function serve(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/foedus.js', 'serve', '--host', '127.0.0.1', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { status: r.status, lines: r.stderr.trim().split('\n').filter((l) => l.startsWith('foedus:')), stderr: r.stderr };
}

describe('foedus serve that cannot start', () => {
  it('port in use: exit 3, naming the port and --port', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = serve(['--no-ui', '--port', String(port), '--db', join(dir, 'a.db')]);
      expect(r.status).toBe(3);
      expect(r.lines).toEqual([`foedus: port ${port} on 127.0.0.1 is already in use: stop what uses it, or choose another port with --port N (or PORT)`]);
      expect(r.stderr).not.toMatch(/unexpected error|at .*\.ts:/);
    } finally {
      blocker.close();
    }
  });

  it('a store that cannot be opened: exit 4, naming it', () => {
    const r = serve(['--no-ui', '--port', '0', '--db', join(dir, 'no-such-folder', 'x.db')]);
    expect(r.status).toBe(4);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^foedus: cannot open the SQLite file .*no-such-folder\/x\.db: /);
  });

  it('no UI build: exit 5, saying to build it or use --no-ui', () => {
    const r = serve(['--port', '0', '--db', join(dir, 'b.db')], { FOEDUS_WEB_DIR: join(dir, 'no-ui') });
    expect(r.status).toBe(5);
    expect(r.lines).toEqual(['foedus: the UI is not built (web/dist is missing): run npm run build, or serve the API alone with --no-ui']);
  });
});
