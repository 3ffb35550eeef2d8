import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `npx foedus` runs the compiled build/ (npm test builds it first, as npm ci does):
 * it must answer exactly as the sources do.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function foedus(args: string[], fromSource: boolean) {
  const env = { ...process.env, TZ: 'UTC', FOEDUS_FROM_SOURCE: fromSource ? '1' : '' };
  return spawnSync(process.execPath, ['bin/foedus.js', ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('the compiled command', () => {
  it('exists after the build, and assesses exactly as the sources do', () => {
    expect(existsSync(`${ROOT}build/cli/main.js`), 'build/ is missing: run npm run build:server').toBe(true);
    const args = ['assess', '--incident', 'examples/niger-2023-10-05-state-attack.json', '--json'];
    const compiled = foedus(args, false);
    const source = foedus(args, true);
    expect(compiled.status).toBe(0);
    expect(compiled.stderr).toBe('');
    expect(JSON.parse(compiled.stdout)).toEqual(JSON.parse(source.stdout));
    expect(JSON.parse(compiled.stdout).triggered.length).toBeGreaterThan(0);
  });

  it('bad input: exit 2 with one line, as from the sources', () => {
    const r = foedus(['assess', '--incident', 'no-such-file.json'], false);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
